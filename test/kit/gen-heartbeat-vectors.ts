// Writes vectors/heartbeat/ (run from the repo root after a build). Never edit a vector by hand.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { heartbeatVectors } from "./heartbeat-vectors.js";

const OUT = "vectors/heartbeat";
const v = await heartbeatVectors();
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "host.pub"), v.hostPub);
for (const x of v.vectors) writeFileSync(join(OUT, x.file), x.bytes);
writeFileSync(
  join(OUT, "cases.json"),
  `${JSON.stringify(
    v.vectors.map((x) => ({
      file: x.file,
      hostId: "web-1",
      hostPub: "host.pub",
      expect: x.expect,
      note: x.note,
    })),
    null,
    2,
  )}\n`,
);
process.stdout.write(`wrote ${v.vectors.length} heartbeat vectors to ${OUT}\n`);
