// On Node 22.x loading node:sqlite prints "ExperimentalWarning: SQLite is an experimental feature…" on
// every agent, audit, jobs and host command (Node 24 prints nothing). The CLI filters exactly that
// warning; every other warning still reaches stderr.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

const IO = new URL("./io.js", import.meta.url).href;

function run(install: boolean): string {
  const script = `
    const io = await import(${JSON.stringify(IO)});
    if (${install}) io.quietSqliteExperimentalWarning();
    process.emitWarning("SQLite is an experimental feature and might change at any time", "ExperimentalWarning");
    process.emitWarning("Another feature is experimental", "ExperimentalWarning");
    process.emitWarning("something else went wrong");
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

test("the CLI drops only node:sqlite's ExperimentalWarning (Node 22.x)", () => {
  const before = run(false);
  assert.match(before, /SQLite is an experimental feature/, "the warning this filter exists for");
  const after = run(true);
  assert.doesNotMatch(after, /SQLite/);
  assert.match(after, /ExperimentalWarning: Another feature is experimental/);
  assert.match(after, /Warning: something else went wrong/);
});

test("the CLI entry installs the filter before any verb loads", async () => {
  const { readFileSync } = await import("node:fs");
  const main = readFileSync(new URL("./main.js", import.meta.url), "utf8");
  assert.match(main, /quietSqliteExperimentalWarning\(\)[\s\S]*runCli\(/);
});
