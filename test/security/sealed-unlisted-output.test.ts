// Attack: the host (or the carrier) slips in an output the signed receipt does not list — an extra file
// for --outputs. Expected: RECEIPT_INVALID before anything is unsealed; nothing in --outputs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type AttackWorld, attack, attackWorld } from "../kit/sealed-attack.js";
import type { Frame } from "../kit/sealed-mitm.js";

let w: AttackWorld;
before(async () => {
  w = await attackWorld();
});
after(async () => {
  await w.stop();
});

test("sealed-unlisted-output: an extra output blob not in the receipt is refused", async () => {
  let sample: Frame | undefined;
  const r = await attack(w, {
    response: (f) => {
      if (f.m.name === "output/0") sample = f;
      if (f.m.t === "done" && sample) return [{ m: { ...sample.m, name: "output/7" }, data: sample.data }, f];
      return [f];
    },
  });
  assert.equal(r.code, "RECEIPT_INVALID");
});

test("sealed-unlisted-output: an output the receipt lists but that never arrives is refused", async () => {
  const r = await attack(w, { response: (f) => (f.m.name === "output/1" ? [] : [f]) });
  assert.equal(r.code, "RECEIPT_INVALID");
});
