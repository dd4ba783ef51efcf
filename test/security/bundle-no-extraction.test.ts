import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { generateKey, publicKeyPem } from "../../src/keys/index.js";
import { cli, enc, rawTarEntry, sgbWithBody, tempDir } from "../kit/bundle-fixtures.js";

test("verifying hostile archives writes nothing to disk", async () => {
  const t = tempDir();
  try {
    const { bytes } = await sgbWithBody([
      rawTarEntry({ name: "../escaped", data: enc("x") }),
      rawTarEntry({ name: "inputs/l", type: "2", linkname: "/etc/passwd" }),
    ]);
    writeFileSync(join(t.dir, "hostile.sgb"), bytes);
    writeFileSync(join(t.dir, "trusted.pem"), publicKeyPem(generateKey("ed25519").publicKey));
    const before = readdirSync(t.dir).sort();
    const r = cli(["verify", "hostile.sgb", "--trust", "trusted.pem"], { cwd: t.dir });
    assert.equal(r.code, 10, r.stderr);
    assert.match(r.stderr, /^sigrun: BUNDLE_MALFORMED: /);
    assert.deepEqual(readdirSync(t.dir).sort(), before);
    assert.deepEqual(
      readdirSync(join(t.dir, "..")).filter((n) => n === "escaped"),
      [],
    );
  } finally {
    t.cleanup();
  }
});
