import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryRelay, runPair } from "../kit/session-harness.js";

// Attack: the relay sends a peer's own frame back to it. Direction byte + per-direction keys reject it.
test("session: a reflected frame is rejected (CHANNEL_ERROR), nothing is signed", async () => {
  const relay = new MemoryRelay({
    frame: (dir, data, i) =>
      dir === "a2b" && i === 1 ? { deliver: [data], reflect: true } : { deliver: [data] },
  });
  const r = await runPair(relay);
  assert.equal(r.initiatorCode, "CHANNEL_ERROR");
  assert.equal(r.signerCode, "CHANNEL_ERROR");
  assert.equal(r.outputs.length, 0);
});

test("session: a reflected signer frame is rejected by the signer", async () => {
  const relay = new MemoryRelay({
    frame: (dir, data, i) =>
      dir === "b2a" && i === 0 ? { deliver: [data], reflect: true } : { deliver: [data] },
  });
  const r = await runPair(relay, { handshakeTimeoutMs: 500 });
  assert.equal(r.signerCode, "CHANNEL_ERROR");
  assert.notEqual(r.initiatorCode, "ok");
});
