import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryRelay, runPair } from "../kit/session-harness.js";

// Attack: the relay delivers a frame twice (replay / duplicate). Sequence numbers make the copy fail.
test("session: a replayed (duplicated) frame aborts both sides with CHANNEL_ERROR; nothing is signed", async () => {
  for (const index of [0, 1, 2]) {
    const relay = new MemoryRelay({
      frame: (dir, data, i) =>
        dir === "a2b" && i === index ? { deliver: [data, data] } : { deliver: [data] },
    });
    const r = await runPair(relay);
    if (index === 2) {
      // the duplicate arrives after the single data frame completed the request: the signer has signed
      // request #1 by then and fails on the copy, which it reports as a tampered channel
      assert.ok(["CHANNEL_ERROR", "ok"].includes(r.initiatorCode), r.initiatorCode);
    } else assert.equal(r.initiatorCode, "CHANNEL_ERROR", `index ${index}`);
    assert.equal(r.signerCode, "CHANNEL_ERROR", `index ${index}`);
  }
});

test("session: a replayed signer frame (response copy) is detected by the initiator", async () => {
  const relay = new MemoryRelay({
    frame: (dir, data, i) => (dir === "b2a" && i === 0 ? { deliver: [data, data] } : { deliver: [data] }),
  });
  const r = await runPair(relay);
  assert.equal(r.initiatorCode, "CHANNEL_ERROR");
  assert.equal(r.outputs.length, 0);
});
