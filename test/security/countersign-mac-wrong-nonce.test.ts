import assert from "node:assert/strict";
import { it } from "node:test";
import { attestArtifacts, newBuildSecret } from "../../src/attest/index.js";
import { isSigrunError } from "../../src/core/index.js";
import { fixture, runCountersign } from "../kit/countersign-fixture.js";

/** Attack (MAC variant): MACs made with a nonce other than the approved one, or H given the wrong nonce. */
it("MACs made with another nonce are refused (SIGNER_UNTRUSTED)", async () => {
  const f = await fixture({ variant: "mac" });
  const guess = newBuildSecret("1234", "mac");
  const envs = await attestArtifacts(f.artifacts, guess, {
    builderId: "ci",
    now: new Date(f.created.getTime() + 1000),
  });
  const { report } = await runCountersign(f, { attestations: envs });
  assert.deepEqual(
    report.decisions.map((d) => [d.decision, d.code]),
    [
      ["refuse", "SIGNER_UNTRUSTED"],
      ["refuse", "SIGNER_UNTRUSTED"],
    ],
  );
});

it("a forged MAC that claims the approved nonce's id is refused (SIGNATURE_INVALID)", async () => {
  const f = await fixture({ variant: "mac" });
  const guess = newBuildSecret("1234", "mac");
  const envs = await attestArtifacts(f.artifacts, guess, {
    builderId: "ci",
    now: new Date(f.created.getTime() + 1000),
  });
  const approvedId = f.secret.variant === "mac" ? f.secret.keyId : "";
  const forged = envs.map((e) => ({ ...e, signatures: [{ ...e.signatures[0]!, keyid: approvedId }] }));
  const { report } = await runCountersign(f, { attestations: forged });
  assert.deepEqual(
    report.decisions.map((d) => d.code),
    ["SIGNATURE_INVALID", "SIGNATURE_INVALID"],
  );
});

it("H holding a nonce that does not match the approval signs nothing", async () => {
  const f = await fixture({ variant: "mac" });
  await assert.rejects(runCountersign(f, { nonce: newBuildSecret("1234", "mac") }), (e) =>
    isSigrunError(e, "SIGNER_UNTRUSTED"),
  );
});
