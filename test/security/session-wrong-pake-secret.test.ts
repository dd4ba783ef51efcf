import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryRelay, runPair } from "../kit/session-harness.js";

// Attack: a signer (or an impostor) with the wrong shared secret. Both sides fail cleanly; the
// initiator closes the session after the single failed confirmation (one online guess per session).
test("session: wrong shared secret → HANDSHAKE_FAILED on both sides, session closed after one guess", async () => {
  const relay = new MemoryRelay();
  const r = await runPair(relay, {
    mode: "shared-secret",
    secretA: "right secret 123",
    secretB: "wrong secret 123",
  });
  assert.equal(r.initiatorCode, "HANDSHAKE_FAILED");
  assert.equal(r.signerCode, "HANDSHAKE_FAILED");
  assert.equal(relay.a?.closed, true, "initiator closed the relay session");
  assert.equal(relay.counts.a2b, 0, "the initiator sent no frame to the unconfirmed peer");
});
