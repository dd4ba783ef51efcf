import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pkcs11Signer, verifyDetached } from "../../src/keys/index.js";
import { fixture, outcome, runCountersign } from "../kit/countersign-fixture.js";
import {
  createTempToken,
  SOFTHSM_MODULE,
  softhsmUnavailable,
  type TempToken,
  TOKEN_LABEL,
  USER_PIN,
} from "../kit/softhsm.js";

// H's release key never leaves a PKCS#11 token (SoftHSM2 here): countersign signs on the token, and only
// what the approved build attested.
describe("countersign with a PKCS#11 release key (SoftHSM2)", { skip: softhsmUnavailable() }, () => {
  let token: TempToken;
  before(() => {
    token = createTempToken();
    token.generate("ed25519", "release-ed", Uint8Array.of(9));
  });
  after(() => token?.cleanup());

  it("signs attested artifacts on the token (openpgp), refuses a replaced one", async () => {
    const signer = await pkcs11Signer({
      module: SOFTHSM_MODULE,
      tokenLabel: TOKEN_LABEL,
      keyLabel: "release-ed",
      pin: USER_PIN,
    });
    try {
      const f = await fixture();
      const swapped = [f.artifacts[0]!, { ...f.artifacts[1]!, data: new TextEncoder().encode("swapped\n") }];
      const { report } = await runCountersign(f, { signer, format: "openpgp", artifacts: swapped });
      assert.deepEqual(outcome(report), [
        ["app.tar.gz", "sign", undefined],
        ["app.sha256", "refuse", "DIGEST_MISMATCH"],
      ]);
      const v = await verifyDetached(f.artifacts[0]!.data, report.decisions[0]!.signature!, signer.publicKey);
      assert.equal(v.ok, true);
    } finally {
      await signer.close();
    }
  });
});
