// Attack: whoever carries the sealed blobs (the network, a store, the session itself) flips bits in a
// ciphertext — an input on its way to the host, or an output on its way back — keeping the announced
// digest. Expected: the host refuses the input (digest / AEAD check before the bundle runs), the client
// refuses the output (its digest differs from the signed receipt's subject); nothing reaches --outputs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type AttackWorld, attack, attackWorld } from "../../src/remote/testing/attack.js";

let w: AttackWorld;
before(async () => {
  w = await attackWorld();
});
after(async () => {
  await w.stop();
});

const flip = (data: Buffer, at: number): Buffer => {
  const b = Buffer.from(data);
  b[Math.min(at, b.length - 1)]! ^= 0x01;
  return b;
};

test("sealed-tampered-ciphertext: a flipped bit in an input blob is refused by the host", async () => {
  for (const where of [10, 200]) {
    const r = await attack(w, {
      request: (f) => (f.m.name === "input/1" && f.data ? [{ m: f.m, data: flip(f.data, where) }] : [f]),
    });
    assert.ok(
      ["DIGEST_MISMATCH", "SEAL_PAYLOAD_INVALID", "SEAL_HEADER_MAC", "SEAL_MALFORMED"].includes(r.code!),
      `got ${r.code}`,
    );
  }
});

test("sealed-tampered-ciphertext: a flipped bit in the sealed manifest or bundle is refused", async () => {
  for (const name of ["manifest", "bundle"]) {
    const r = await attack(w, {
      request: (f) => (f.m.name === name && f.data ? [{ m: f.m, data: flip(f.data, 150) }] : [f]),
    });
    assert.ok(r.code === "DIGEST_MISMATCH" || r.code?.startsWith("SEAL_"), `${name}: got ${r.code}`);
  }
});

test("sealed-tampered-ciphertext: a flipped bit in an output blob is refused by the client", async () => {
  for (const name of ["output/0", "outputs.manifest", "stdout"]) {
    const r = await attack(w, {
      response: (f) => (f.m.name === name && f.data ? [{ m: f.m, data: flip(f.data, 100) }] : [f]),
    });
    assert.equal(r.code, "DIGEST_MISMATCH", name);
  }
});

test("sealed-tampered-ciphertext: an untouched session still succeeds (the attack harness is not the failure)", async () => {
  const r = await attack(w, {});
  assert.equal(r.code, null);
  assert.equal(r.result?.status, "succeeded");
});
