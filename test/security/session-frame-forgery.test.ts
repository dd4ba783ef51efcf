import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryRelay, runPair } from "../kit/session-harness.js";

// Attack: the relay flips bits in a frame (header or body) or substitutes an oversize frame.
test("session: any flipped bit in a frame aborts with CHANNEL_ERROR", async () => {
  for (const at of [0, 1, 5, 10, 11, 20]) {
    const relay = new MemoryRelay({
      frame: (dir, data, i) => {
        if (dir !== "a2b" || i !== 1) return { deliver: [data] };
        const d = Uint8Array.from(data);
        d[Math.min(at, d.byteLength - 1)]! ^= 0x01;
        return { deliver: [d] };
      },
    });
    const r = await runPair(relay);
    assert.equal(r.signerCode, "CHANNEL_ERROR", `byte ${at}`);
    assert.equal(r.initiatorCode, "CHANNEL_ERROR", `byte ${at}`);
  }
});

test("session: an oversize frame injected by the relay is refused", async () => {
  const relay = new MemoryRelay({
    maxFrameBytes: 1024,
    frame: (dir, data, i) =>
      dir === "a2b" && i === 1 ? { deliver: [new Uint8Array(4096)] } : { deliver: [data] },
  });
  const r = await runPair(relay);
  assert.equal(r.signerCode, "CHANNEL_ERROR");
  assert.equal(r.outputs.length, 0);
});
