// Attack: the untrusted store (or whoever carries the session) alters or truncates an output's ciphertext
// late in the blob, after the receipt was signed and while the client downloads it. The client unseals
// each output while it downloads it, into its private staging directory, so plaintext of the blob's
// first chunks is already on disk when the altered bytes arrive. Expected: DIGEST_MISMATCH (the bytes
// are not the receipt's subject), the staging directory removed, nothing in --outputs.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startStoreServer } from "../../src/store/index.js";
import { type AttackWorld, attack, attackWorld } from "../kit/sealed-attack.js";

// several 64 KiB STREAM chunks, so the first ones open and are written before the altered one arrives
const BIG = 1024 * 1024 + 12_345;
let w: AttackWorld;
let big: Buffer;
before(async () => {
  big = randomBytes(BIG);
  w = await attackWorld({ "big.bin": big, "f1.txt": "Hello World" });
});
after(async () => {
  await w.stop();
});

const flipNearEnd = (data: Buffer): Buffer => {
  const b = Buffer.from(data);
  b[b.length - 200]! ^= 0x01;
  return b;
};

test("sealed-output-tampered-during-download: an untouched store job succeeds (the harness is not the failure)", async () => {
  const storeDir = join(w.dir, "store-ok");
  const store = await startStoreServer({ dir: storeDir }, { host: "127.0.0.1", port: 0 });
  try {
    const r = await attack(w, {}, { store: store.url });
    assert.equal(r.code, null);
    assert.ok(readFileSync(join(r.outputs, "big.bin")).equals(big));
  } finally {
    await store.close();
  }
});

test("sealed-output-tampered-during-download: an output altered or truncated on the store is refused, nothing staged survives", async () => {
  const storeDir = join(w.dir, "store");
  const store = await startStoreServer({ dir: storeDir }, { host: "127.0.0.1", port: 0 });
  const edits: Record<string, (b: Buffer) => Buffer> = {
    "flip-near-end": flipNearEnd,
    truncate: (b) => b.subarray(0, b.length - 1000),
    "truncate-to-a-chunk": (b) => b.subarray(0, 200 + 64 * 1024 * 4),
    extend: (b) => Buffer.concat([b, Buffer.alloc(100)]),
  };
  try {
    for (const [what, edit] of Object.entries(edits)) {
      const r = await attack(
        w,
        {
          response: (f) => {
            if (f.m.t === "receipt") {
              const blobs = f.m.blobs as { name: string; sha256: string; size: number }[];
              // the largest output is big.bin's
              const target = blobs
                .filter((b) => b.name.startsWith("output/"))
                .sort((a, b) => b.size - a.size)[0]!;
              assert.ok(target.size > BIG, "the target is the large output");
              const p = join(storeDir, "blobs", target.sha256);
              writeFileSync(p, edit(readFileSync(p)));
            }
            return [f];
          },
        },
        { store: store.url },
      );
      assert.equal(r.code, "DIGEST_MISMATCH", what);
    }
  } finally {
    await store.close();
  }
});

test("sealed-output-tampered-during-download: a large output altered late on the session is refused, nothing staged survives", async () => {
  let seen = false;
  const r = await attack(w, {
    response: (f) => {
      if (f.m.t === "blob" && f.data && f.data.length > BIG) {
        seen = true;
        return [{ m: f.m, data: flipNearEnd(f.data) }];
      }
      return [f];
    },
  });
  assert.ok(seen, "the large output went through the session");
  assert.equal(r.code, "DIGEST_MISMATCH");
});
