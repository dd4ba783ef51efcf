import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { runCase } from "./conformance.js";
import { checkCase } from "./conformance-check.js";

/** Cases not expected to pass, each with its reason. */
const SKIP: Record<string, string> = {
  "eval.rs:5": "eval() is refused unless the host enables it (issue 4); this engine has no eval",
};

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
