import assert from "node:assert/strict";
import { it } from "node:test";
import { attestArtifacts, newBuildSecret } from "../../src/attest/index.js";
import { fixture, runCountersign } from "../kit/countersign-fixture.js";

/** Attack: M (or anyone) signs attestations with a key the approver never approved. */
it("attestations signed by an unapproved key are refused (SIGNER_UNTRUSTED)", async () => {
  const f = await fixture();
  const rogue = newBuildSecret("1234", "key");
  const envs = await attestArtifacts(f.artifacts, rogue, {
    builderId: "ci",
    now: new Date(f.created.getTime() + 1000),
  });
  const { report } = await runCountersign(f, { attestations: envs });
  assert.deepEqual(
    report.decisions.map((d) => [d.decision, d.code, d.signature]),
    [
      ["refuse", "SIGNER_UNTRUSTED", undefined],
      ["refuse", "SIGNER_UNTRUSTED", undefined],
    ],
  );
});

it("relabelling a rogue signature with the approved key id does not help (SIGNATURE_INVALID)", async () => {
  const f = await fixture();
  const rogue = newBuildSecret("1234", "key");
  const envs = await attestArtifacts(f.artifacts, rogue, {
    builderId: "ci",
    now: new Date(f.created.getTime() + 1000),
  });
  const approvedId = f.secret.variant === "key" ? f.secret.signer.publicKey.keyId : "";
  const relabelled = envs.map((e) => ({ ...e, signatures: [{ ...e.signatures[0]!, keyid: approvedId }] }));
  const { report } = await runCountersign(f, { attestations: relabelled });
  assert.deepEqual(
    report.decisions.map((d) => d.code),
    ["SIGNATURE_INVALID", "SIGNATURE_INVALID"],
  );
});
