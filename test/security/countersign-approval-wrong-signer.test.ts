import assert from "node:assert/strict";
import { it } from "node:test";
import { APPROVAL_PAYLOAD_TYPE, approvalFileBytes, makeApproval } from "../../src/attest/index.js";
import { isSigrunError } from "../../src/core/index.js";
import { fixture, newSigner, payloadOf, runCountersign, signedEnvelope } from "../kit/countersign-fixture.js";

/**
 * Attack: an approval made by someone other than the approver H trusts — a self-approved build key, the
 * real record re-signed by another key, or another key's signature relabelled with the approver's id.
 */
it("a self-made approval (signed by its own key) is refused (SIGNER_UNTRUSTED)", async () => {
  const f = await fixture();
  const mallory = newSigner();
  const own = await makeApproval(f.secret, mallory, f.created, f.notAfter);
  await assert.rejects(runCountersign(f, { approval: own.bytes }), (e) =>
    isSigrunError(e, "SIGNER_UNTRUSTED"),
  );
});

it("the approver's record re-signed by another key is refused", async () => {
  const f = await fixture();
  const mallory = newSigner();
  const record = payloadOf(JSON.parse(Buffer.from(f.approval).toString()));
  const env = await signedEnvelope(APPROVAL_PAYLOAD_TYPE, record, mallory);
  await assert.rejects(runCountersign(f, { approval: approvalFileBytes(env) }), (e) =>
    isSigrunError(e, "SIGNER_UNTRUSTED"),
  );
  const relabelled = { ...env, signatures: [{ ...env.signatures[0]!, keyid: f.approver.publicKey.keyId }] };
  await assert.rejects(runCountersign(f, { approval: approvalFileBytes(relabelled) }), (e) =>
    isSigrunError(e, "SIGNATURE_INVALID"),
  );
});
