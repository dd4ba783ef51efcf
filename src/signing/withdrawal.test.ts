import assert from "node:assert/strict";
import { test } from "node:test";
import { approveAll, MemoryRelay, rejectAll, runPair } from "../../test/kit/session-harness.js";
import type { Decision, RequestReview } from "./index.js";

/** Issue 16: the initiator giving up withdraws the signer's open question; per-file answers. */
const enc = new TextEncoder();
const three = ["a", "b", "c"].map((n) => ({
  name: `${n}.txt`,
  data: enc.encode(`${n}\n`),
  format: "raw" as const,
}));

/** An approver that never answers by itself: it waits for the withdrawal and records its reason. */
function heldOpen(seen: { reason?: string; review?: RequestReview }) {
  return (r: RequestReview, opts?: { signal: AbortSignal }): Promise<Decision> => {
    seen.review = r;
    return new Promise((resolve) => {
      opts?.signal.addEventListener("abort", () => {
        seen.reason = String((opts.signal.reason as Error).message);
        resolve({ approved: true, reason: "too late", by: "test" });
      });
    });
  };
}

test("withdrawal: the initiator's response timeout withdraws the question at once, with the reason", async () => {
  const seen: { reason?: string; review?: RequestReview } = {};
  const started = Date.now();
  const r = await runPair(new MemoryRelay(), {
    approve: heldOpen(seen),
    responseTimeoutMs: 1500,
    idleTimeoutMs: 20_000,
  });
  assert.equal(r.initiatorCode, "TIMEOUT");
  assert.equal(r.signerCode, "ok");
  assert.match(seen.reason ?? "", /gave up: TIMEOUT: the initiator gave up: no answer within 1 s/);
  assert.match(r.signerResult?.endedBy ?? "", /gave up/);
  assert.equal(r.signerResult?.signed, 0);
  assert.ok(Date.now() - started < 10_000, "the signer did not wait out its own idle timeout");
  // the countdown: the signer knows when the initiator stops waiting
  const by = seen.review?.answerBy?.getTime() ?? 0;
  assert.ok(by > started && by < started + 10_000, "answerBy is the initiator's deadline");
});

test("withdrawal: Ctrl-C on the initiator (abort signal) withdraws the question with INTERRUPTED", async () => {
  const seen: { reason?: string; review?: RequestReview } = {};
  const ac = new AbortController();
  const approve = heldOpen(seen);
  const r = await runPair(new MemoryRelay(), {
    approve: (rev, opts) => {
      setTimeout(() => ac.abort(), 100);
      return approve(rev, opts);
    },
    initiatorSignal: ac.signal,
    idleTimeoutMs: 20_000,
    responseTimeoutMs: 20_000,
  });
  assert.equal(r.initiatorCode, "INTERRUPTED");
  assert.match(seen.reason ?? "", /INTERRUPTED/);
  assert.equal(r.signerResult?.signed, 0);
});

test("per-file answers: a declined file does not end the session; the others are signed", async () => {
  let i = 0;
  const r = await runPair(new MemoryRelay(), {
    items: three,
    approve: (rev) => (i++ === 1 ? rejectAll(rev) : approveAll(rev)),
  });
  assert.equal(r.initiatorCode, "ok");
  assert.equal(r.outputs.length, 3);
  assert.ok(r.outputs[0] && r.outputs[2]);
  assert.equal(r.outputs[1], undefined);
  assert.deepEqual(
    r.declined.map((d) => [d.index, d.code]),
    [[1, "DECLINED"]],
  );
  assert.equal(r.signerResult?.signed, 2);
});

test("per-file answers: all or nothing stops at the first decline; every decline is PEER_REJECTED", async () => {
  let i = 0;
  const aon = await runPair(new MemoryRelay(), {
    items: three,
    allOrNothing: true,
    approve: (rev) => (i++ === 1 ? rejectAll(rev) : approveAll(rev)),
  });
  assert.equal(aon.initiatorCode, "PEER_REJECTED");
  assert.equal(aon.signerResult?.signed, 1, "the third request was never sent");
  const none = await runPair(new MemoryRelay(), { items: three, approve: rejectAll });
  assert.equal(none.initiatorCode, "PEER_REJECTED");
});
