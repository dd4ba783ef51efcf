import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import {
  ed25519,
  enc,
  hasTool,
  outcome,
  signedBundle,
  tempDir,
  trustFor,
} from "../../test/kit/bundle-fixtures.js";
import { generateKey, privateKeyPem, publicKeyInfo } from "../keys/index.js";
import { trustStoreOf, verifyBundle, verifyOpensslBundle } from "./index.js";

const RUNS = process.env.SLOW ? 20_000 : 1_000;

test(`flipping any single bit of a signed .sgb makes verification fail (${RUNS} runs)`, async () => {
  const k = ed25519();
  const bundle = await signedBundle([k], { extra: { "inputs/data.csv": enc("a,b\n1,2\n") } });
  const trust = trustFor([k]);
  assert.equal(
    outcome(() => verifyBundle(bundle, { trust })),
    "OK",
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bundle.byteLength * 8 - 1 }), (bit) => {
      const copy = new Uint8Array(bundle);
      copy[bit >> 3]! ^= 1 << (bit & 7);
      return outcome(() => verifyBundle(copy, { trust })) !== "OK";
    }),
    { numRuns: RUNS },
  );
});

test(`flipping any single bit of bundle.tar.gz or bundle.sig makes verification fail (${RUNS} runs)`, {
  skip: !hasTool("tar") || !hasTool("openssl") ? "needs tar and openssl" : false,
}, () => {
  const t = tempDir();
  try {
    const key = generateKey("p256");
    writeFileSync(join(t.dir, "private.pem"), privateKeyPem(key.privateKey));
    writeFileSync(join(t.dir, "script.rhai"), "let a = 1;\na\n");
    writeFileSync(join(t.dir, "policy.cedar"), "permit (principal, action, resource);\n");
    assert.equal(
      spawnSync("tar", ["czf", "bundle.tar.gz", "script.rhai", "policy.cedar"], { cwd: t.dir }).status,
      0,
    );
    const sign = spawnSync(
      "openssl",
      ["dgst", "-sha256", "-sign", "private.pem", "-out", "bundle.sig", "bundle.tar.gz"],
      { cwd: t.dir },
    );
    assert.equal(sign.status, 0, String(sign.stderr));
    const tgz = new Uint8Array(readFileSync(join(t.dir, "bundle.tar.gz")));
    const sig = new Uint8Array(readFileSync(join(t.dir, "bundle.sig")));
    const trust = trustStoreOf([publicKeyInfo(key.publicKey)]);
    assert.equal(
      outcome(() => verifyOpensslBundle(tgz, sig, { trust })),
      "OK",
    );
    const total = (tgz.byteLength + sig.byteLength) * 8;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: total - 1 }), (bit) => {
        const a = new Uint8Array(tgz);
        const s = new Uint8Array(sig);
        const byte = bit >> 3;
        if (byte < a.byteLength) a[byte]! ^= 1 << (bit & 7);
        else s[byte - a.byteLength]! ^= 1 << (bit & 7);
        return outcome(() => verifyOpensslBundle(a, s, { trust })) !== "OK";
      }),
      { numRuns: RUNS },
    );
  } finally {
    t.cleanup();
  }
});
