import assert from "node:assert/strict";
import { it } from "node:test";
import { verifyPublishedSet } from "../../src/attest/index.js";
import { fixture, outcome, runCountersign } from "../kit/countersign-fixture.js";

/**
 * Attack: an artifact is replaced after M attested it (on the way from M to H, or on L after H signed).
 * H must refuse exactly that artifact (DIGEST_MISMATCH) and still sign the others; L must notice a
 * replacement after signing.
 */
it("H refuses an artifact whose bytes differ from the attested digest", async () => {
  const f = await fixture();
  const swapped = [f.artifacts[0]!, { ...f.artifacts[1]!, data: new TextEncoder().encode("backdoored\n") }];
  const { report, audit } = await runCountersign(f, { artifacts: swapped });
  assert.deepEqual(outcome(report), [
    ["app.tar.gz", "sign", undefined],
    ["app.sha256", "refuse", "DIGEST_MISMATCH"],
  ]);
  assert.equal(report.decisions[1]!.signature, undefined);
  assert.equal(audit.entries[1]!.data.decision, "refuse");
  assert.equal(audit.entries[1]!.data.code, "DIGEST_MISMATCH");
});

it("L refuses an artifact replaced after H signed it", async () => {
  const f = await fixture();
  const { report } = await runCountersign(f);
  const published = f.artifacts.map((a, i) => ({ ...a, signature: report.decisions[i]!.signature }));
  published[0] = { ...published[0]!, data: new TextEncoder().encode("swapped on the mirror\n") };
  const res = await verifyPublishedSet({
    approval: f.approval,
    approverPub: f.approver.publicKey,
    attestations: f.attestations,
    artifacts: published,
    releasePub: f.release.publicKey,
  });
  assert.deepEqual(
    res.results.map((r) => [r.ok, r.code]),
    [
      [false, "DIGEST_MISMATCH"],
      [true, undefined],
    ],
  );
});
