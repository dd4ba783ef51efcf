// Attack: the carrier swaps two sealed blobs — two inputs on the way to the host, or two outputs on the
// way back — each a valid ciphertext under the right key, just in the wrong place. Expected: the host
// refuses (each blob's ciphertext digest is bound to its name by the release, each plaintext to its path
// by the sealed job manifest); the client refuses (each output digest is bound to its name by the
// signed receipt). Nothing reaches --outputs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type AttackWorld, attack, attackWorld } from "../../src/remote/testing/attack.js";
import type { Frame } from "../../src/remote/testing/mitm.js";

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
