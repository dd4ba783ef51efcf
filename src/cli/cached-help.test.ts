import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { cachedHelp } from "./cached-help.js";
import { buildProgram } from "./program.js";

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));

/** The top-level help as commander builds it for a stdout that is not a terminal. */
function builtHelp(): string {
  const program = buildProgram();
  program.configureOutput({ getOutHelpWidth: () => 80, getOutHasColors: () => false });
  return program.helpInformation();
}

test("the build's help text is the one commander builds from every verb", () => {
  const h = cachedHelp(["node", "sigrun", "--help"], false);
  assert.ok(h, "dist/src/cli/help.txt is missing or stale (npm run build)");
  assert.equal(h.text, builtHelp());
  assert.equal(h.exitCode, 0);
});

test("only the bare command and --help/-h, and never for a terminal", () => {
  const argv = (...a: string[]) => ["node", "sigrun", ...a];
  assert.equal(cachedHelp(argv(), false)?.exitCode, 2);
  assert.equal(cachedHelp(argv("-h"), false)?.exitCode, 0);
  for (const a of [argv("run", "--help"), argv("--help", "run"), argv("--version"), argv("--json")])
    assert.equal(cachedHelp(a, false), undefined, a.join(" "));
  assert.equal(cachedHelp(argv("--help"), true), undefined);
});

test("sigrun --help and bare sigrun print it (exit 0 and 2)", () => {
  const want = builtHelp();
  const help = spawnSync(process.execPath, [MAIN, "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.equal(help.stdout, want);
  const bare = spawnSync(process.execPath, [MAIN], { encoding: "utf8" });
  assert.equal(bare.status, 2);
  assert.equal(bare.stdout, want);
});

test("sigrun --help and bare sigrun into a reader that closed early: quiet, exit 0 and 2 (as every verb)", () => {
  // `true` exits before the help is written: the write fails with EPIPE
  for (const [args, want] of [
    ["--help", "0"],
    ["", "2"],
  ] as const) {
    const r = spawnSync(
      "bash",
      ["-c", `"${process.execPath}" "${MAIN}" ${args} | true; echo "\${PIPESTATUS[0]}"`],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.stderr, "", `sigrun ${args}: nothing on stderr (no EPIPE trace)`);
    assert.equal(r.stdout.trim(), want, `sigrun ${args}: exit status`);
  }
});
