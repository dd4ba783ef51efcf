// Every README example is executed: each ```sh block after the set-up block runs in a fresh directory with
// `sigrun` on PATH (the built CLI). The set-up block must be exactly the two documented commands, and what
// they rely on (the entry scripts, the bin, the test script, .ci/run calling it) is checked here too.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const readme = readFileSync("README.md", "utf8");
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const main = new URL("../src/cli/main.js", import.meta.url).pathname;

test("the README's first screen gives the two set-up commands, and they are wired up", () => {
  const first = blocks[0]!.split("\n").filter((l) => l.trim());
  assert.deepEqual(
    first.map((l) => l.replace(/\s+#.*$/, "")),
    ["./sigrun-demo", "./sigrun-test"],
  );
  for (const [script, cmd] of [
    ["sigrun-demo", /npm ci\b[\s\S]*npx sigrun demo/],
    ["sigrun-test", /npm ci\b[\s\S]*npm test/],
  ] as const) {
    const text = readFileSync(script, "utf8");
    assert.match(text, /\. scripts\/node-env\.sh/, `${script} brings a supported Node first`);
    assert.match(text, cmd);
  }
  assert.ok(readme.indexOf("```sh") < 1500, "set-up commands on the first screen");
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  assert.equal(pkg.bin.sigrun, "dist/src/cli/main.js");
  assert.match(pkg.scripts.test, /run-tests/);
  assert.match(pkg.scripts.prepare, /tsc/, "npm ci builds dist/ so that npx sigrun works");
  assert.match(readFileSync(".ci/run", "utf8"), /\.\/sigrun-test/);
  const demo = spawnSync(process.execPath, [main, "demo"], { encoding: "utf8" });
  assert.equal(demo.status, 0, demo.stderr);
  assert.match(demo.stdout, /demo passed/);
});

for (const [i, block] of blocks.slice(1).entries()) {
  const title = block.split("\n")[0];
  test(`README example ${i + 1} runs: ${title}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "sigrun-readme-"));
    try {
      const bin = join(dir, ".bin");
      spawnSync("mkdir", [bin]);
      writeFileSync(join(bin, "sigrun"), `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`);
      chmodSync(join(bin, "sigrun"), 0o755);
      const r = spawnSync("bash", ["-euo", "pipefail", "-c", block], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        timeout: 120_000,
      });
      assert.equal(r.status, 0, `example failed:\n${block}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
