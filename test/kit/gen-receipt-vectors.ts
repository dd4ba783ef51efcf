// Writes vectors/receipt/ (run from the repo root after a build). Never edit a vector by hand.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { receiptVectors } from "./receipt-vectors.js";

const OUT = "vectors/receipt";
const v = await receiptVectors();
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "host.pub"), v.hostPub);
writeFileSync(join(OUT, "other.pub"), v.otherPub);
for (const x of v.vectors) writeFileSync(join(OUT, x.file), x.bytes);
writeFileSync(
  join(OUT, "cases.json"),
  `${JSON.stringify(
    v.vectors.map((x) => ({ file: x.file, hostPub: "host.pub", expect: x.expect, note: x.note })),
    null,
    2,
  )}\n`,
);
process.stdout.write(`wrote ${v.vectors.length} receipt vectors to ${OUT}\n`);
