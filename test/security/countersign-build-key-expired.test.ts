import assert from "node:assert/strict";
import { it } from "node:test";
import { attestArtifacts, countersign } from "../../src/attest/index.js";
import { isSigrunError } from "../../src/core/index.js";
import { fixture, HOUR, memoryAudit, outcome, runCountersign } from "../kit/countersign-fixture.js";

/** Attack: the build key is used after the approval's not-after (a leaked key, a re-run of an old build). */
it("attestations made after not-after are refused (EXPIRED)", async () => {
  const f = await fixture({ validMs: HOUR });
  const late = await attestArtifacts(f.artifacts, f.secret, {
    builderId: "ci",
    now: new Date(f.notAfter.getTime() + 1000),
  });
  const { report } = await runCountersign(f, { attestations: [late[0]!, f.attestations[1]!] });
  assert.deepEqual(outcome(report), [
    ["app.tar.gz", "refuse", "EXPIRED"],
    ["app.sha256", "sign", undefined],
  ]);
});

it("after not-after H signs nothing at all for the build, and logs the refusal", async () => {
  const f = await fixture({ validMs: HOUR });
  const audit = memoryAudit();
  await assert.rejects(
    countersign({
      approval: f.approval,
      approverPub: f.approver.publicKey,
      attestations: f.attestations,
      artifacts: f.artifacts,
      signer: f.release,
      format: "raw",
      audit,
      now: new Date(f.notAfter.getTime() + 1),
    }),
    (e) => isSigrunError(e, "EXPIRED"),
  );
  assert.deepEqual(
    audit.entries.map((e) => [e.type, e.data.decision, e.data.code]),
    [["countersign-build", "refuse", "EXPIRED"]],
  );
});
