import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

// Attack: many large values, each under the per-value caps (string size, array length, map size), kept
// alive in one map. `sigrun run` had no overall memory limit: the process grew to 3–4 GB and died with
// V8's fatal out-of-memory (exit 134, no Rex output, past the wall limit). The run must end with a clean
// limit error in Rex's output object (exit 0: the runner worked), within the memory limit.

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-mem-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const policy = join(dir, "p.cedar");
writeFileSync(policy, "permit(principal, action, resource);");
// each array of 1,000,000 integers is ~15 MB; 3,000 of them would be ~45 GB
const script = join(dir, "hog.rhai");
writeFileSync(
  script,
  `let m = #{};
for i in 0..3000 {
  let a = [];
  a.pad(1000000, i);
  m["k" + i] = a;
}
m.len()`,
);

function run(
  ...extra: string[]
): Promise<{ code: number | null; signal: string | null; out: string; maxRssKb: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, "run", "-s", script, "-p", policy, ...extra], {
      env: { ...process.env, REX_RUNNER_DISABLE_MONITORING: "1" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    // peak resident set size of the child, sampled from /proc (VmHWM is the high-water mark)
    let maxRssKb = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) maxRssKb = Math.max(maxRssKb, Number(m[1]));
      } catch {
        // exited
      }
    }, 100);
    // a safety net only: the attack ran for minutes before the fix
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(sample);
      resolve({ code, signal, out, maxRssKb });
    });
  });
}

test("the default run ends with a clean memory-limit error in Rex's output", async () => {
  // the default memory limit, without the default wall clock: near its heap limit the thread collects
  // garbage most of the time, and on a loaded machine the 10 s wall clock (its thread terminated 5 s
  // later, even without --max-wall-ms) ended this run first ("wall-clock limit of 10000 ms exceeded")
  const r = await run("--max-wall-ms", "0");
  assert.equal(r.code, 0, `exit ${r.code} ${r.signal ?? ""}: ${r.out.slice(0, 200)}`);
  const o = JSON.parse(r.out) as { status: string; error: { error_type: string; message: string } };
  assert.equal(o.status, "ERROR");
  assert.equal(o.error.error_type, "SCRIPT_EXCEPTION");
  assert.match(o.error.message, /memory/i);
  // bounded: the default limit is 512 MiB of script heap (the process as a whole a bit more)
  assert.ok(r.maxRssKb < 1_200_000, `max RSS ${r.maxRssKb} KB`);
});

test("--max-memory-mb sets the limit; --explain carries LIMIT_EXCEEDED", async () => {
  const r = await run("--max-memory-mb", "64", "--explain");
  assert.equal(r.code, 0);
  const o = JSON.parse(r.out) as { status: string; sigrun_explain: { code: string } };
  assert.equal(o.status, "ERROR");
  assert.equal(o.sigrun_explain.code, "LIMIT_EXCEEDED");
  assert.ok(r.maxRssKb < 600_000, `max RSS ${r.maxRssKb} KB`);
});
