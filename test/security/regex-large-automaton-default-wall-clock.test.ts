import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

// Attack (a variant of issue 14 item 4): the linear-time engine is linear in input × automaton size, and
// `(a|aa){1000}b` compiles to thousands of states, so one `replace_text` over a few hundred thousand
// characters is one synchronous host call of minutes. With `--max-wall-ms` the script thread is
// terminated a grace period after the limit; WITHOUT it (the interpreter's default wall clock of 10 s
// still applies) there was no backstop at all: the run went on for minutes and then reported SUCCESS.
// The default limit must be enforced the same way.

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
/** Default wall clock (10 s) + grace (5 s) + start-up, with room for a loaded machine. */
const KILL_MS = 45_000;
const dir = mkdtempSync(join(tmpdir(), "sigrun-redos-wall-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const policy = join(dir, "p.cedar");
writeFileSync(policy, "permit(principal, action, resource);");
const script = join(dir, "s.rhai");
writeFileSync(
  script,
  `let s = "b";
s.pad(400001, "a");
replace_text(s, "(a|aa){1000}b", "x", ReplacementOptions().is_regex(true).build()).len()`,
);

test("a regex host call that outlasts the default wall clock is stopped (no --max-wall-ms)", async () => {
  const started = Date.now();
  const r = await new Promise<{ killed: boolean; code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [MAIN, "run", "-s", script, "-p", policy], {
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
  assert.equal(r.killed, false, `still running after ${Date.now() - started} ms`);
  assert.equal(r.code, 0, r.out);
  const o = JSON.parse(r.out) as { status: string; error?: { message: string } };
  assert.equal(o.status, "ERROR", r.out);
  assert.match(o.error?.message ?? "", /wall-clock limit of 10000 ms exceeded/);
});
