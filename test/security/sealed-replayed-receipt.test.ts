// Attack: a carrier (or a lazy host) answers a new job with an old, genuinely signed receipt and its
// outputs — the result of an earlier run. Expected: REPLAY — the receipt's nonce and job digest name a job
// the ledger already closed (or another job), so it is never matched to the new one; nothing in --outputs.
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

test("sealed-replayed-receipt: an earlier job's receipt and outputs are refused for a new job", async () => {
  const recorded: Frame[] = [];
  const first = await attack(w, {
    response: (f) => {
      recorded.push(f);
      return [f];
    },
  });
  assert.equal(first.code, null);
  assert.equal(recorded[0]?.m.t, "receipt");
  const second = await attack(w, { response: (f) => (f.m.t === "receipt" ? recorded : []) });
  assert.equal(second.code, "REPLAY");
});

test("sealed-replayed-receipt: a receipt of a job that failed (never closed by a receipt) is refused too", async () => {
  // job 1's receipt is held back (the client gives up: stream ends), then replayed into job 2
  const held: Frame[] = [];
  const first = await attack(w, {
    response: (f) => {
      held.push(f);
      return [];
    },
  });
  assert.equal(first.code, "PROTOCOL_ERROR");
  const second = await attack(w, { response: (f) => (f.m.t === "receipt" ? held : []) });
  assert.equal(second.code, "REPLAY");
});
