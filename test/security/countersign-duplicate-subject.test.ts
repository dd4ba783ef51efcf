import assert from "node:assert/strict";
import { it } from "node:test";
import { attestArtifacts } from "../../src/attest/index.js";
import { isSigrunError } from "../../src/core/index.js";
import { fixture, outcome, runCountersign } from "../kit/countersign-fixture.js";

/**
 * Attack: the attestations name the same subject twice (say, the real artifact and a backdoored one),
 * hoping H picks the one that matches what it is given. H refuses an ambiguous subject outright.
 */
it("two attestations for one subject name: that artifact is refused, the others signed", async () => {
  const f = await fixture();
  const evil = await attestArtifacts(
    [{ name: "app.tar.gz", data: new TextEncoder().encode("backdoored\n") }],
    f.secret,
    { builderId: "ci", now: new Date(f.created.getTime() + 1000) },
  );
  const { report } = await runCountersign(f, { attestations: [...f.attestations, evil[0]!] });
  assert.deepEqual(outcome(report), [
    ["app.tar.gz", "refuse", "ATTESTATION_INVALID"],
    ["app.sha256", "sign", undefined],
  ]);
  assert.match(report.decisions[0]!.reason, /duplicate/);
});

it("attest and countersign refuse two artifacts with the same name", async () => {
  const f = await fixture();
  const twice = [f.artifacts[0]!, { ...f.artifacts[0]!, data: new Uint8Array([1]) }];
  await assert.rejects(attestArtifacts(twice, f.secret, { builderId: "ci", now: new Date() }), (e) =>
    isSigrunError(e, "ATTESTATION_INVALID"),
  );
  await assert.rejects(runCountersign(f, { artifacts: twice }), (e) =>
    isSigrunError(e, "ATTESTATION_INVALID"),
  );
});
