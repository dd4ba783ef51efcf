import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryRelay, runPair } from "../kit/session-harness.js";

// Attack: the relay drops frames. A gap is detected at the next frame; a dropped last frame ends in a
// bounded TIMEOUT, never a hang.
test("session: a dropped frame followed by another is detected as a sequence gap", async () => {
  const relay = new MemoryRelay({
    frame: (dir, data, i) => (dir === "a2b" && i === 1 ? { deliver: [] } : { deliver: [data] }),
  });
  const r = await runPair(relay);
  assert.equal(r.signerCode, "CHANNEL_ERROR");
  assert.equal(r.initiatorCode, "CHANNEL_ERROR");
});

test("session: a stalled relay (every signer frame dropped) → initiator TIMEOUT within its timeout", {
  timeout: 20_000,
}, async () => {
  const relay = new MemoryRelay({
    frame: (dir, data) => (dir === "b2a" ? { deliver: [] } : { deliver: [data] }),
  });
  const r = await runPair(relay, { handshakeTimeoutMs: 300, idleTimeoutMs: 300, responseTimeoutMs: 300 });
  assert.equal(r.initiatorCode, "TIMEOUT");
});
