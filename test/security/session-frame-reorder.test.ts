import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryRelay, runPair } from "../kit/session-harness.js";

// Attack: the relay swaps two consecutive frames (request and its first data frame).
test("session: reordered frames abort the session with CHANNEL_ERROR", async () => {
  let held: Uint8Array | undefined;
  const relay = new MemoryRelay({
    frame: (dir, data, i) => {
      if (dir !== "a2b") return { deliver: [data] };
      if (i === 1) {
        held = data;
        return { deliver: [] };
      }
      if (i === 2 && held) return { deliver: [data, held] };
      return { deliver: [data] };
    },
  });
  const r = await runPair(relay);
  assert.equal(r.signerCode, "CHANNEL_ERROR");
  assert.equal(r.initiatorCode, "CHANNEL_ERROR");
  assert.equal(r.outputs.length, 0);
});
