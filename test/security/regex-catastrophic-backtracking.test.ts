import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

// Attack: a script hands a host function a pattern that makes a backtracking engine take exponential
// time (`^(a+)+$` on "aaa…a!"). The match is one synchronous call, so the wall-clock limit never gets
// a chance to fire: `sigrun run --max-wall-ms 1000` ran for minutes. Every host function that takes a
// pattern must match in linear time. Each case runs in its own `sigrun run` process, killed after
// KILL_MS; on a linear engine each finishes in well under a second of matching.

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const KILL_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), "sigrun-redos-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const EVIL = `${"a".repeat(34)}!`;
mkdirSync(join(dir, "data"));
writeFileSync(join(dir, "data", "victim.txt"), `${EVIL}\n${EVIL}\n`);
writeFileSync(join(dir, "data", "victim.txt.gz"), gzipSync(`${EVIL}\n${EVIL}\n`));
writeFileSync(join(dir, "data", EVIL), ""); // a file name for find's regex
// A file name that makes a glob with many stars backtrack polynomially with a high degree.
writeFileSync(join(dir, "data", `${"a".repeat(200)}`), "");
const policy = join(dir, "p.cedar");
writeFileSync(policy, `permit(principal, action, resource in file_system::Dir::"${dir}/data");`);

function run(name: string, script: string): Promise<{ killed: boolean; code: number | null; out: string }> {
  const s = join(dir, `${name}.rhai`);
  writeFileSync(s, script);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, "run", "-s", s, "-p", policy, "--max-wall-ms", "1000"], {
      env: { ...process.env, REX_RUNNER_DISABLE_MONITORING: "1" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, KILL_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ killed, code, out });
    });
  });
}

const f = `${dir}/data/victim.txt`;
const cases: Array<[string, string]> = [
  ["replace_text", `replace_text("${EVIL}", "^(a+)+$", "x", ReplacementOptions().is_regex(true).build())`],
  ["grep", `grep("^(a+)+$", "${f}")`],
  ["grep-ignore-case", `grep([grep::i], "^(a|a)+$", "${f}")`],
  ["sed-regex", `sed([sed::regex], "^(a+)+$", "x", "${f}")`],
  [
    "file.search",
    `let d = DirConfig().path("${dir}/data").build().open(OpenDirOptions().build());
     let h = d.open_file("victim.txt", OpenFileOptions().read(true).build());
     h.search("(a*)*b")`,
  ],
  ["find_files-glob", `find_files("${"*a".repeat(14)}*b", "${dir}/data")`],
  // the issue asks for every host function that takes a pattern: find's regex, search_gzip, awk_*
  [
    "dir.find-regex",
    `let n = 0;
     DirConfig().path("${dir}/data").build().open(OpenDirOptions().build())
       .find(FindOptions().regex("^(a+)+$").build(), |e| { n += 1; });
     n`,
  ],
  [
    "search_gzip",
    `let d = DirConfig().path("${dir}/data").build().open(OpenDirOptions().build());
     d.open_file("victim.txt.gz", OpenFileOptions().read(true).build())
       .search_gzip("^(a+)+$", SearchGzipOptions().build())`,
  ],
  ["awk_filter", `awk_filter("^(a+)+$", "${f}")`],
  ["awk_filter_field", `awk_filter_field(1, " ", "^(a+)+$", "${f}")`],
];

for (const [name, script] of cases) {
  test(`${name}: a catastrophic pattern finishes (no backtracking past the wall clock)`, async () => {
    const r = await run(name, script);
    assert.equal(r.killed, false, `${name} still running after ${KILL_MS} ms`);
    assert.equal(r.code, 0);
    const o = JSON.parse(r.out) as { status: string; error?: { message: string } };
    assert.equal(o.status, "SUCCESS", r.out);
  });
}
