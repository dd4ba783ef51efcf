#!/usr/bin/env node
// Packs the package as npm would publish it (without re-running the build) and checks the tarball:
// only the library build, docs, schema, README and LICENSE — no compiled tests, no test helpers — then
// publint and @arethetypeswrong/cli on the packed file. Run after `npm run build`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "sigrun-pack-"));
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`check-package: ${cmd} ${args.join(" ")} failed\n${r.stdout}\n${r.stderr}\n`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
  return r.stdout;
}
try {
  const packed = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir]));
  const files = packed[0].files.map((f) => f.path);
  const bad = files.filter((f) => /\.test\.|\/testing\/|^test\/|^bench\/|^vectors\/|^scripts\//.test(f));
  if (bad.length) throw new Error(`the tarball ships test or tooling files: ${bad.slice(0, 10).join(", ")}`);
  for (const need of [
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/cli/main.js",
    "LICENSE",
    "README.md",
  ])
    if (!files.includes(need)) throw new Error(`the tarball lacks ${need}`);
  const tgz = join(dir, packed[0].filename);
  process.stdout.write(`check-package: ${files.length} files, ${packed[0].size} bytes packed\n`);
  run("npx", ["--no-install", "publint", "run", "--strict", "--pack", "false", "."]);
  process.stdout.write("check-package: publint ok\n");
  run("npx", ["--no-install", "attw", "--profile", "esm-only", "--format", "table-flipped", tgz]);
  process.stdout.write("check-package: attw ok (esm-only profile)\n");
} catch (e) {
  process.stderr.write(`check-package: ${e.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
