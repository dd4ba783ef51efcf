// Attack: whoever carries the sealed blobs (the network, a store, the session itself) flips bits in a
// ciphertext — an input on its way to the host, or an output on its way back — keeping the announced
// digest. Expected: the host refuses the input (digest / AEAD check before the bundle runs), the client
// refuses the output (its digest differs from the signed receipt's subject); nothing reaches --outputs.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startStoreServer } from "../../src/store/index.js";
import { type AttackWorld, attack, attackWorld } from "../kit/sealed-attack.js";

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

test("sealed-tampered-ciphertext: blobs altered on the untrusted store (--store) are refused on both ends", async () => {
  const storeDir = join(w.dir, "store");
  const store = await startStoreServer({ dir: storeDir }, { host: "127.0.0.1", port: 0 });
  const alter = (sha256: string): void => {
    const p = join(storeDir, "blobs", sha256);
    writeFileSync(p, flip(readFileSync(p), 100));
  };
  try {
    // an input, after the client uploaded it and before the host fetches it
    const r = await attack(
      w,
      {
        request: (f) => {
          if (f.m.t === "release")
            alter(
              (f.m.blobs as { name: string; sha256: string }[]).find((b) => b.name === "input/1")!.sha256,
            );
          return [f];
        },
      },
      { store: store.url },
    );
    assert.equal(r.code, "DIGEST_MISMATCH");
    // an output, after the host put it and before the client fetches it
    const r2 = await attack(
      w,
      {
        response: (f) => {
          if (f.m.t === "receipt")
            alter(
              (f.m.blobs as { name: string; sha256: string }[]).find((b) => b.name === "output/0")!.sha256,
            );
          return [f];
        },
      },
      { store: store.url },
    );
    assert.equal(r2.code, "DIGEST_MISMATCH");
  } finally {
    await store.close();
  }
});
