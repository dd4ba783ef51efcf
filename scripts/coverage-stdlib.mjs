#!/usr/bin/env node
// Coverage of the Rhai standard library (dist/src/script/stdlib/*.js) by its direct tests
// (dist/src/script/stdlib-*.test.js — not the conformance corpora), measured with Node's built-in
// coverage and read from its lcov report. Prints line / branch / function % per file.
// Usage: node scripts/coverage-stdlib.mjs [--check]   (after `npm run build`)
// --check exits 1 when array, map or blob is below 85% in any of the three measures. All three are
// gated: V8 counts no branches inside a function that never ran, so branch % alone can look high.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const GATED = ["array.js", "map.js", "blob.js", "blob-more.js"];
const MIN = 85;
const dir = join("dist", "src", "script");
const tests = readdirSync(dir)
  .filter((f) => /^stdlib-.*\.test\.js$/.test(f))
  .map((f) => join(dir, f))
  .sort();
if (tests.length === 0) {
  console.error("coverage-stdlib: no dist/src/script/stdlib-*.test.js (did the build run?)");
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), "sigrun-cov-"));
const lcov = join(tmp, "lcov.info");
const env = { ...process.env };
delete env.NODE_TEST_CONTEXT; // when run from inside a test, be a top-level runner
const res = spawnSync(
  process.execPath,
  [
    "--test",
    "--experimental-test-coverage",
    `--test-coverage-include=${join(dir, "stdlib", "**")}`,
    "--test-reporter=lcov",
    `--test-reporter-destination=${lcov}`,
    ...tests,
  ],
  { env, stdio: ["ignore", "inherit", "inherit"] },
);
// A failing test is the test run's business (npm test reports it); coverage is still measured.
if (res.status !== 0)
  console.error(`coverage-stdlib: warning: some stdlib tests failed (exit ${res.status})`);
let text = "";
try {
  text = readFileSync(lcov, "utf8");
} catch {
  console.error("coverage-stdlib: no coverage report was written");
}
rmSync(tmp, { recursive: true, force: true });

const pct = (hit, found) => (found === 0 ? 100 : (100 * hit) / found);
const rows = [];
for (const rec of text.split("end_of_record")) {
  const sf = /^SF:(.*)$/m.exec(rec);
  if (!sf) continue;
  const n = (k) => Number(new RegExp(`^${k}:(\\d+)$`, "m").exec(rec)?.[1] ?? 0);
  rows.push({
    file: basename(sf[1]),
    lines: pct(n("LH"), n("LF")),
    branches: pct(n("BRH"), n("BRF")),
    functions: pct(n("FNH"), n("FNF")),
  });
}
rows.sort((a, b) => a.file.localeCompare(b.file));
const f = (x) => x.toFixed(1).padStart(7);
console.log(`stdlib coverage by ${tests.map((t) => basename(t)).join(", ")}`);
console.log(`${"file".padEnd(14)}  line %  branch %  funcs %`);
for (const r of rows)
  console.log(
    `${r.file.padEnd(14)} ${f(r.lines)}  ${f(r.branches)}  ${f(r.functions)}${GATED.includes(r.file) ? "  (gated)" : ""}`,
  );

if (process.argv.includes("--check")) {
  const low = [];
  for (const g of GATED) {
    const r = rows.find((x) => x.file === g);
    if (!r) low.push(`${g}: not in the coverage report`);
    else
      for (const k of ["lines", "branches", "functions"])
        if (r[k] < MIN) low.push(`${g}: ${k} ${r[k].toFixed(1)}% < ${MIN}%`);
  }
  if (low.length > 0) {
    console.error(`coverage-stdlib: below ${MIN}%:\n  ${low.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`coverage-stdlib: ${GATED.join(", ")} ≥ ${MIN}% (lines, branches, functions)`);
}
