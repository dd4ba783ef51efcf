// Runs every benchmark in dist/bench one after the other: npm run bench
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const skip = new Set(["run.js", "bench-util.js"]);
for (const f of readdirSync(here)
  .filter((n) => n.endsWith(".js") && !skip.has(n))
  .sort()) {
  process.stdout.write(`\n== ${f} ==\n`);
  spawnSync(process.execPath, [join(here, f)], { stdio: "inherit" });
}
