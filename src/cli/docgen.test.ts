import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, hasTool, tempDir } from "../../test/kit/bundle-fixtures.js";
import { bashCompletion, commandTree, fishCompletion, manPage, zshCompletion } from "./docgen.js";
import { buildProgram } from "./program.js";

const ROOT = new URL("../../../", import.meta.url);
const version = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8")).version as string;

test("man/sigrun.1 is current: regenerated from the command definitions it is byte-identical", () => {
  const checkedIn = readFileSync(new URL("man/sigrun.1", ROOT), "utf8");
  const fresh = manPage(commandTree(buildProgram()), version);
  assert.equal(checkedIn, fresh, "man/sigrun.1 is stale: run `npm run man` and commit it");
});

test("the man page names every verb and every long flag of the program", () => {
  const page = manPage(commandTree(buildProgram()), version);
  for (const n of commandTree(buildProgram()).slice(1)) {
    assert.ok(page.includes(`.SS "sigrun ${n.path.replaceAll("-", "\\-")}`), n.path);
    for (const o of n.options) if (o.long) assert.ok(page.includes(o.long.replaceAll("-", "\\-")), o.long);
  }
});

test("sigrun completion prints the same scripts; bash completes verbs, sub-verbs and flags", () => {
  const nodes = commandTree(buildProgram());
  assert.equal(cli(["completion", "bash"]).stdout, bashCompletion(nodes));
  assert.equal(cli(["completion", "zsh"]).stdout, zshCompletion(nodes));
  assert.equal(cli(["completion", "fish"]).stdout, fishCompletion(nodes));
  assert.equal(cli(["completion", "tcsh"]).code, 2);
  const t = tempDir("sigrun-compl-");
  try {
    const file = join(t.dir, "sigrun.bash");
    writeFileSync(file, bashCompletion(nodes));
    const complete = (...words: string[]) => {
      const script = `source ${file}; COMP_WORDS=(sigrun ${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}; _sigrun; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split("\n");
    };
    assert.ok(complete("bun").includes("bundle"));
    assert.deepEqual(complete("bundle", "").sort(), ["create", "extract", "inspect", "lint", "sign"]);
    assert.ok(complete("bundle", "sign", "--k").includes("--key"));
    assert.ok(complete("sign-file", "--pass").includes("--passphrase-file"));
    assert.ok(complete("--").includes("--version"));
  } finally {
    t.cleanup();
  }
});

for (const shell of ["zsh", "fish"] as const)
  test(`the ${shell} completion script parses (${shell} -n)`, {
    skip: hasTool(shell) ? undefined : `${shell} not installed`,
  }, () => {
    const t = tempDir("sigrun-compl-");
    try {
      const file = join(t.dir, `sigrun.${shell}`);
      writeFileSync(
        file,
        shell === "zsh"
          ? zshCompletion(commandTree(buildProgram()))
          : fishCompletion(commandTree(buildProgram())),
      );
      const r = spawnSync(shell, ["-n", file], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      t.cleanup();
    }
  });

test("docs/cli.md documents the JSON success object of every verb that has --json", () => {
  const doc = readFileSync(new URL("docs/cli.md", ROOT), "utf8");
  const section = doc.slice(
    doc.indexOf("## JSON output"),
    doc.indexOf("\n## ", doc.indexOf("## JSON output") + 1),
  );
  const rows = [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!);
  const missing = commandTree(buildProgram())
    .filter((n) => n.path !== "" && n.options.some((o) => o.long === "--json"))
    .map((n) => n.path)
    .filter((path) => !rows.some((r) => r === path || r.startsWith(`${path} `)));
  assert.deepEqual(missing, [], "verbs with --json but no row in docs/cli.md's JSON output table");
});
