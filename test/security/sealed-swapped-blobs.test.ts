// Attack: the carrier swaps two sealed blobs — two inputs on the way to the host, or two outputs on the
// way back — each a valid ciphertext under the right key, just in the wrong place. Expected: the host
// refuses (each blob's ciphertext digest is bound to its name by the release, each plaintext to its path
// by the sealed job manifest); the client refuses (each output digest is bound to its name by the
// signed receipt). Nothing reaches --outputs.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startStoreServer } from "../../src/store/index.js";
import { type AttackWorld, attack, attackWorld } from "../kit/sealed-attack.js";
import type { Frame } from "../kit/sealed-mitm.js";

let w: AttackWorld;
before(async () => {
  w = await attackWorld({ "a.txt": "first input", "b.txt": "second input", "c.txt": "third input" });
});
after(async () => {
  await w.stop();
});

/** Holds blob `a`, sends blob `b`'s bytes under `a`'s header and `a`'s bytes under `b`'s (or swaps whole frames). */
function swapper(a: string, b: string, mode: "bytes" | "frames") {
  let held: Frame | undefined;
  return (f: Frame): Frame[] => {
    if (f.m.name === a) {
      held = f;
      return [];
    }
    if (f.m.name === b && held) {
      const first = held;
      if (mode === "frames") return [f, first];
      return [
        { m: first.m, data: f.data },
        { m: f.m, data: first.data },
      ];
    }
    return [f];
  };
}

test("sealed-swapped-blobs: swapped input ciphertexts are refused by the host", async () => {
  for (const mode of ["bytes", "frames"] as const) {
    const r = await attack(w, { request: swapper("input/0", "input/1", mode) });
    assert.ok(["DIGEST_MISMATCH", "PROTOCOL_ERROR"].includes(r.code!), `${mode}: got ${r.code}`);
  }
});

test("sealed-swapped-blobs: swapped output ciphertexts are refused by the client", async () => {
  for (const mode of ["bytes", "frames"] as const) {
    const r = await attack(w, { response: swapper("output/0", "output/1", mode) });
    if (mode === "frames") {
      // the same blobs in another order under their own names are just reordered: still correct
      assert.equal(r.code, null);
      continue;
    }
    assert.equal(r.code, "DIGEST_MISMATCH", mode);
  }
});

test("sealed-swapped-blobs: an input blob replaced by another input's blob is refused", async () => {
  let copy: Buffer | undefined;
  const r = await attack(w, {
    request: (f) => {
      if (f.m.name === "input/0") copy = f.data;
      if (f.m.name === "input/2" && copy)
        return [{ m: { ...f.m, sha256: f.m.sha256, size: copy.length }, data: copy }];
      return [f];
    },
  });
  assert.ok(["DIGEST_MISMATCH", "PROTOCOL_ERROR"].includes(r.code!), `got ${r.code}`);
});

test("sealed-swapped-blobs: two blobs swapped on the untrusted store (--store) are refused", async () => {
  const storeDir = join(w.dir, "store");
  const store = await startStoreServer({ dir: storeDir }, { host: "127.0.0.1", port: 0 });
  const swap = (blobs: { name: string; sha256: string }[], a: string, b: string): void => {
    const pa = join(storeDir, "blobs", blobs.find((x) => x.name === a)!.sha256);
    const pb = join(storeDir, "blobs", blobs.find((x) => x.name === b)!.sha256);
    const da = readFileSync(pa);
    writeFileSync(pa, readFileSync(pb));
    writeFileSync(pb, da);
  };
  try {
    const r = await attack(
      w,
      {
        request: (f) => {
          if (f.m.t === "release") swap(f.m.blobs as never, "input/0", "input/1");
          return [f];
        },
      },
      { store: store.url },
    );
    assert.equal(r.code, "DIGEST_MISMATCH");
    const r2 = await attack(
      w,
      {
        response: (f) => {
          if (f.m.t === "receipt") swap(f.m.blobs as never, "output/0", "output/1");
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
