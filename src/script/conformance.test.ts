import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { runCase } from "./conformance.js";
import { checkCase } from "./conformance-check.js";

/**
 * Cases not expected to pass, each with its reason (`id: reason`). Empty: every public case passes.
 * (The runner enables `eval`, as the corpus assumes Rhai's `Engine::new()`.)
 */
const SKIP: Record<string, string> = {};

test("rhai conformance: public cases", () => {
  const lines = readFileSync("test/data/rhai/public-cases.jsonl", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  let pass = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const line of lines) {
    const c = JSON.parse(line) as Record<string, unknown>;
    const why = checkCase(c, runCase(c));
    if (why === null) pass++;
    else if (String(c.id) in SKIP) skipped++;
    else failures.push(`${c.id}: ${why}`);
  }
  const rate = (100 * pass) / lines.length;
  process.stdout.write(
    `# rhai conformance: ${pass}/${lines.length} pass (${rate.toFixed(1)}%), ${skipped} skipped, ${failures.length} failing\n`,
  );
  assert.deepEqual(failures, []);
  assert.ok(rate >= 95, `pass rate ${rate.toFixed(1)}% below 95%`);
});
