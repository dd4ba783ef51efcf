import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { generateKey, privateKeyPem } from "./index.js";
import { PBKDF2_ITERATIONS } from "./pkcs8-encrypt.js";

it("encrypted PKCS#8 round-trips in node and states 600,000 PBKDF2 iterations", () => {
  const { privateKey } = generateKey("ed25519");
  const pem = privateKeyPem(privateKey, "secret words");
  assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  const back = createPrivateKey({ key: pem, format: "pem", passphrase: "secret words" });
  assert.ok(back.equals(privateKey));
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, ""), "base64");
  assert.ok(der.includes(Buffer.from([0x02, 0x03, 0x09, 0x27, 0xc0])), "iteration count INTEGER 600000");
  assert.equal(PBKDF2_ITERATIONS, 600_000);
});

it("openssl pkey decrypts it", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-pkcs8-"));
  try {
    const file = join(dir, "k.pem");
    writeFileSync(file, privateKeyPem(generateKey("p256").privateKey, "secret words"));
    const r = spawnSync("openssl", ["pkey", "-in", file, "-passin", "pass:secret words", "-noout"], {
      encoding: "utf8",
    });
    if (r.error) return t.skip("openssl not installed");
    assert.equal(r.status, 0, r.stderr);
    const bad = spawnSync("openssl", ["pkey", "-in", file, "-passin", "pass:other", "-noout"]);
    assert.notEqual(bad.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
