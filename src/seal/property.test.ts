import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { sealKeys } from "../../test/kit/seal.js";
import { CHUNK_SIZE, createSealStream, createUnsealStream } from "./index.js";

/** Round trips through the streaming API with random sizes and random write splits on both sides. */
const RUNS = process.env.SLOW ? 300 : 40;

async function through(
  t: import("node:stream").Transform,
  data: Uint8Array,
  cuts: number[],
): Promise<Buffer> {
  const out: Buffer[] = [];
  t.on("data", (d: Buffer) => out.push(d));
  const done = new Promise<void>((resolve, reject) => {
    t.on("end", resolve);
    t.on("error", reject);
  });
  let off = 0;
  for (const c of [...cuts.filter((x) => x < data.byteLength)].sort((a, b) => a - b)) {
    if (c > off) t.write(data.subarray(off, c));
    off = Math.max(off, c);
  }
  t.write(data.subarray(off));
  t.end();
  await done;
  return Buffer.concat(out);
}

it("seal → unseal is the identity, whatever the sizes and splits", async () => {
  const k = sealKeys();
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 4 * CHUNK_SIZE + 3 }),
      fc.array(fc.nat({ max: 5 * CHUNK_SIZE }), { maxLength: 12 }),
      fc.array(fc.nat({ max: 5 * CHUNK_SIZE }), { maxLength: 12 }),
      fc.boolean(),
      async (size, cutsIn, cutsOut, armor) => {
        const pt = new Uint8Array(size).map((_, i) => (i * 31 + size) & 255);
        const ct = await through(createSealStream([k.recipient], { armor }), pt, cutsIn);
        const back = await through(createUnsealStream(k.identities), ct, cutsOut);
        assert.deepEqual(new Uint8Array(back), pt);
      },
    ),
    { numRuns: RUNS },
  );
});
