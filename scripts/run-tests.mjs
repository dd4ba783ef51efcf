#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node:test. Node 20's --test takes no globs,
// so the files are found here. Usage: node scripts/run-tests.mjs [substring-filter…]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = walk("dist", [])
  .filter((f) => !f.startsWith(join("dist", "node_modules")))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error("run-tests: no test files found under dist/ (did the build run?)");
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
const res = spawnSync(process.execPath, ["--test", `--test-concurrency=${concurrency}`, ...files], {
  stdio: "inherit",
});
process.exit(res.status ?? 1);
