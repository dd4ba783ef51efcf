import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pkcs11Signer, verifyDetached } from "../../src/keys/index.js";
import { x25519Generate } from "../../src/session/index.js";
import { MemoryRelay, runPair } from "../kit/session-harness.js";
import {
  createTempToken,
  SOFTHSM_MODULE,
  softhsmUnavailable,
  type TempToken,
  TOKEN_LABEL,
  USER_PIN,
} from "../kit/softhsm.js";

// The signer's key never leaves a PKCS#11 token (SoftHSM2 here); the session and review are the same.
describe("remote signing with a PKCS#11 signing key (SoftHSM2)", { skip: softhsmUnavailable() }, () => {
  let token: TempToken;
  before(() => {
    token = createTempToken();
    token.generate("p256", "remote-p256", Uint8Array.of(7));
    token.generate("ed25519", "remote-ed", Uint8Array.of(8));
  });
  after(() => token?.cleanup());

  for (const [label, format] of [
    ["remote-p256", "raw"],
    ["remote-ed", "ssh"],
  ] as const) {
    it(`${label}: ${format} signature made on the token verifies against the pinned key`, async () => {
      const signer = await pkcs11Signer({
        module: SOFTHSM_MODULE,
        tokenLabel: TOKEN_LABEL,
        keyLabel: label,
        pin: USER_PIN,
      });
      try {
        const data = new TextEncoder().encode(`artifact for ${label}\n`);
        const r = await runPair(new MemoryRelay(), {
          signerFx: { signer, signerPub: signer.publicKey, kex: x25519Generate() },
          items: [{ name: "a.bin", data, format }],
        });
        assert.equal(r.initiatorCode, "ok");
        assert.equal(r.signerCode, "ok");
        assert.equal((await verifyDetached(data, r.outputs[0]!, signer.publicKey, { format })).ok, true);
      } finally {
        await signer.close();
      }
    });
  }
});
