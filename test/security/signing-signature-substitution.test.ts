import assert from "node:assert/strict";
import { test } from "node:test";
import { fileSigner, generateKey, type Signer } from "../../src/keys/index.js";
import { fixture, MemoryRelay, runPair } from "../kit/session-harness.js";

// Attack: a malicious or buggy signer returns a signature by another key, or over other bytes. The
// initiator verifies against the pinned key before writing anything.
test("signing: a signature from another key → SIGNATURE_INVALID, no output", async () => {
  const other = fileSigner(generateKey("ed25519").privateKey);
  const r = await runPair(new MemoryRelay(), {
    wrapSigner: (s: Signer): Signer => ({ publicKey: s.publicKey, sign: (m) => other.sign(m) }),
  });
  assert.equal(r.initiatorCode, "SIGNATURE_INVALID");
  assert.equal(r.outputs.length, 0);
});

test("signing: a signature over different bytes → SIGNATURE_INVALID for every format", async () => {
  for (const format of ["raw", "ssh", "openpgp"] as const) {
    const r = await runPair(new MemoryRelay(), {
      items: [{ name: "f.txt", data: new TextEncoder().encode("the real file"), format }],
      wrapSigner: (s: Signer): Signer => ({
        publicKey: s.publicKey,
        sign: (m) => s.sign(Uint8Array.from([...m, 0x21])),
      }),
    });
    assert.equal(r.initiatorCode, "SIGNATURE_INVALID", format);
  }
});

test("signing: a signer holding a different key than the pinned one is refused", async () => {
  const pinned = fixture().signerPub;
  const r = await runPair(new MemoryRelay(), { pinned });
  assert.equal(r.signerCode, "SIGNER_UNTRUSTED");
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.outputs.length, 0);
});
