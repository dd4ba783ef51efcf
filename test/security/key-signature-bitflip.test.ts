import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { isSigrunError } from "../../src/core/index.js";
import {
  fileSigner,
  generateKey,
  type SignatureFormat,
  signFile,
  verifyDetached,
} from "../../src/keys/index.js";

/**
 * Flipping any single bit of a detached signature (raw, ssh, openpgp) or of the signed data makes
 * verification fail: ok=false or a SigrunError, never ok=true and never another exception.
 */
const RUNS = process.env.SLOW ? 2000 : 150;
const MSG = new TextEncoder().encode("the signed artifact\n");

for (const type of ["ed25519", "p256"] as const) {
  const signer = fileSigner(generateKey(type).privateKey);
  for (const format of ["raw", "ssh", "openpgp"] as SignatureFormat[]) {
    it(`${type} ${format}`, async () => {
      const sig = await signFile(signer, MSG, format);
      assert.equal((await verifyDetached(MSG, sig, signer.publicKey, { format })).ok, true);
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 7 }), async (inSig, pos, bit) => {
          const s = new Uint8Array(sig);
          const m = new Uint8Array(MSG);
          const target = inSig ? s : m;
          target[pos % target.byteLength]! ^= 1 << bit;
          try {
            return !(await verifyDetached(m, s, signer.publicKey, { format })).ok;
          } catch (e) {
            return isSigrunError(e);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
}
