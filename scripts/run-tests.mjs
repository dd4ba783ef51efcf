#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node:test. Node 20's --test takes no globs,
// so the files are found here. Usage: node scripts/run-tests.mjs [substring-filter…]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

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
// In CI a missing external tool is a failure, not a skip: every skipped test fails the run unless its
// reason starts with "optional:" (a test that is not about a tool CI installs).
const ci = !!process.env.CI;
const tapFile = join(mkdtempSync(join(tmpdir(), "sigrun-tap-")), "results.tap");
const reporters = ci
  ? [
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tapFile}`,
    ]
  : [];
const res = spawnSync(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, ...reporters, ...files],
  {
    stdio: "inherit",
  },
);
let status = res.status ?? 1;
if (ci) {
  const tap = existsSync(tapFile) ? readFileSync(tapFile, "utf8") : "";
  const skipped = [...tap.matchAll(/^\s*(?:not )?ok \d+ - (.*?) # SKIP ?(.*)$/gm)].filter(
    (m) => !m[2].startsWith("optional:"),
  );
  if (skipped.length > 0) {
    console.error(`run-tests: ${skipped.length} test(s) skipped in CI (a missing tool is a failure here):`);
    for (const m of skipped) console.error(`  - ${m[1]}: ${m[2] || "(no reason)"}`);
    status = status || 1;
  }
  rmSync(dirname(tapFile), { recursive: true, force: true });
}
process.exit(status);
