// Writes vectors/attest/ (run from the repo root after a build). Never edit a vector by hand.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { attestVectors } from "./attest-vectors.js";

const OUT = "vectors/attest";
const v = await attestVectors();
mkdirSync(OUT, { recursive: true });
for (const [name, bytes] of v.files) writeFileSync(join(OUT, name), bytes);
writeFileSync(
  join(OUT, "cases.json"),
  `${JSON.stringify({ approverPub: "approver.pub", cases: v.cases }, null, 2)}\n`,
);
process.stdout.write(`wrote ${v.files.size} files and ${v.cases.length} cases to ${OUT}\n`);
