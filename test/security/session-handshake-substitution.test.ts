import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { cborEncode } from "../../src/session/index.js";
import { MemoryRelay, runPair } from "../kit/session-harness.js";

const fakeHello = () => cborEncode([1, new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))]);

// Attack: the relay replaces the signer's handshake message (its ephemeral key / CPace share + tag).
for (const mode of ["public-key", "shared-secret"] as const) {
  test(`session (${mode}): a substituted signer handshake → HANDSHAKE_FAILED on both sides`, async () => {
    const relay = new MemoryRelay({ joinContext: () => fakeHello() });
    const r = await runPair(relay, { mode, handshakeTimeoutMs: 1000 });
    assert.equal(r.initiatorCode, "HANDSHAKE_FAILED");
    assert.equal(r.signerCode, "HANDSHAKE_FAILED");
  });

  test(`session (${mode}): an unparseable or missing handshake → HANDSHAKE_FAILED`, async () => {
    for (const ctx of [new Uint8Array([1, 2, 3]), undefined]) {
      const relay = new MemoryRelay({ joinContext: () => ctx });
      const r = await runPair(relay, { mode, handshakeTimeoutMs: 1000 });
      assert.equal(r.initiatorCode, "HANDSHAKE_FAILED");
    }
  });
}
