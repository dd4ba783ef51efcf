import assert from "node:assert/strict";
import { it } from "node:test";
import { IN_TOTO_PAYLOAD_TYPE, makeStatement } from "../../src/attest/index.js";
import { fixture, outcome, runCountersign, signedEnvelope } from "../kit/countersign-fixture.js";

/**
 * Attack: attestations of another build are presented with this build's approval — an older approved
 * build's artifacts, or a statement the (compromised) build key made for another build id.
 */
it("attestations signed by another build's key are refused (SIGNER_UNTRUSTED)", async () => {
  const f = await fixture({ build: "1234" });
  const other = await fixture({ build: "1200" });
  const { report } = await runCountersign(f, { attestations: other.attestations, artifacts: f.artifacts });
  assert.deepEqual(
    report.decisions.map((d) => [d.decision, d.code]),
    [
      ["refuse", "SIGNER_UNTRUSTED"],
      ["refuse", "SIGNER_UNTRUSTED"],
    ],
  );
});

it("a statement naming another build id, even by the approved key, is refused (ATTESTATION_INVALID)", async () => {
  const f = await fixture({ build: "1234" });
  if (f.secret.variant !== "key") throw new Error("fixture");
  const a = f.artifacts[0]!;
  const { createHash } = await import("node:crypto");
  const st = makeStatement(a.name, createHash("sha256").update(a.data).digest("hex"), {
    buildId: "1235",
    builderId: "ci",
    time: new Date(f.created.getTime() + 1000).toISOString(),
  });
  const env = await signedEnvelope(IN_TOTO_PAYLOAD_TYPE, st, f.secret.signer);
  const { report } = await runCountersign(f, { attestations: [env, f.attestations[1]!] });
  assert.deepEqual(outcome(report), [
    ["app.tar.gz", "refuse", "ATTESTATION_INVALID"],
    ["app.sha256", "sign", undefined],
  ]);
  assert.match(report.decisions[0]!.reason, /build 1235/);
});
