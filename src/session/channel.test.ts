import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { isSigrunError } from "../core/index.js";
import { Channel } from "./channel.js";
import { initiateSharedSecret, openJoin } from "./handshake.js";

export async function pairKeys() {
  const secret = new TextEncoder().encode("pw-for-tests-0123");
  const payload = {
    relay: "ws://127.0.0.1:1",
    routingId: new Uint8Array(16),
    expiry: 4_000_000_000,
    signerKeyId: new Uint8Array(16),
    maxSignatures: 1,
    context: "",
  };
  const i = initiateSharedSecret(secret, payload);
  const s = (await openJoin(i.joinBytes, { secret }, 1)).respond();
  return { keys: i.finish(s.hello), signerKeys: s.keys };
}

test("channel: frames flow both ways in order; ciphertext differs per direction", async () => {
  const { keys, signerKeys } = await pairKeys();
  const a = new Channel(keys, "initiator");
  const b = new Channel(signerKeys, "signer");
  for (let n = 0; n < 5; n++) {
    const f = a.seal("request", Uint8Array.of(n));
    assert.deepEqual(b.open(f).plaintext, Uint8Array.of(n));
    const g = b.seal("response", Uint8Array.of(n));
    assert.equal(a.open(g).type, "response");
  }
});

test("channel: oversize plaintext is refused before sending; oversize frame kills the receiver", async () => {
  const { keys } = await pairKeys();
  const a = new Channel(keys, "initiator", 1024);
  assert.throws(() => a.seal("request", new Uint8Array(2000)), { code: "FRAME_TOO_LARGE" });
  const b = new Channel(keys, "signer", 1024);
  assert.throws(() => b.open(new Uint8Array(5000)), { code: "CHANNEL_ERROR" });
  assert.throws(() => b.open(new Uint8Array(50)), { code: "CHANNEL_ERROR" });
});

test("fuzz: frame decoder throws only CHANNEL_ERROR", async () => {
  const { keys } = await pairKeys();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const b = new Channel(keys, "signer");
      try {
        b.open(bytes);
        assert.fail("a random frame was accepted");
      } catch (err) {
        if (!isSigrunError(err, "CHANNEL_ERROR")) throw err;
      }
    }),
    { numRuns: 1000 },
  );
});
