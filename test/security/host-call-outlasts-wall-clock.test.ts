import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

// Attack (a variant of issue 14 item 4, "… beats the wall clock"): a host call that waits synchronously —
// `execute` of a program that sleeps (the child's own limit was 60 s), `curl` of a server that never
// answers (30 s per request, up to 10 redirects) — cannot be interrupted: not by the interpreter, and not
// by terminating the script thread (a thread blocked in a system call does not stop). With
// `--max-wall-ms 1000`, `sigrun run` lasted as long as the host call. Every waiting host call must wait
// at most until the run's wall clock ends.

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-hostwait-"));
let server: Server;
let port = 0;
before(async () => {
  // accepts the request and never answers
  server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
const policy = join(dir, "p.cedar");
writeFileSync(policy, "permit(principal, action, resource);");

/** Whole `sigrun run` lifetime, in ms (the process is killed at 20 s). */
function run(script: string): Promise<{ ms: number; out: string; killed: boolean }> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.rhai`);
  writeFileSync(file, script);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, "run", "-s", file, "-p", policy, "--max-wall-ms", "1000"], {
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
    }, 20_000);
    child.on("close", () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - t0, out, killed });
    });
  });
}

const sleep = `let f = DirConfig().path("/usr/bin").build().open(OpenDirOptions().build())
  .open_file("sleep", OpenFileOptions().read(true).build());
f.execute(ExecuteOptions().args(["30"]).build()).exit_code`;

// the host call's error is caught and the script goes on: the run still ends with the wall clock
const caught = `let r = 0;
try {
  let f = DirConfig().path("/usr/bin").build().open(OpenDirOptions().build())
    .open_file("sleep", OpenFileOptions().read(true).build());
  r = f.execute(ExecuteOptions().args(["30"]).build()).exit_code;
} catch (e) { r = 7; }
loop { r += 1; if r > 100 { break; } }
r`;

for (const [name, script] of [
  ["execute of a sleeping program", sleep],
  ["execute of a sleeping program, its error caught", caught],
  ["curl of a server that never answers", () => `curl("http://127.0.0.1:${port}/slow").text`],
] as const) {
  test(`${name} ends with the run's wall clock (--max-wall-ms 1000)`, async () => {
    const r = await run(typeof script === "string" ? script : script());
    assert.equal(r.killed, false, "still running after 20 s");
    // the wall clock, plus start-up and a loaded machine; the host call alone waited 30 s before
    assert.ok(r.ms < 10_000, `sigrun run took ${r.ms} ms`);
    const o = JSON.parse(r.out) as { status: string; error?: { message: string } };
    assert.equal(o.status, "ERROR", r.out);
    assert.match(o.error?.message ?? "", /wall-clock limit|time limit/i, r.out);
  });
}

// The process monitor sleeps between its samples (up to 300 s in all): the sleep too ends at the run's
// deadline, and the interpreter ends the run right after the call — not the thread's termination
// 5 s past the limit ("wall-clock limit of … exceeded"), which is all that stopped it before.
test("monitor_processes_cpu ends with the run's wall clock, ended by the interpreter (--max-wall-ms 1000)", async () => {
  const r = await run(
    `ProcessManager().monitor_processes_cpu(MonitorProcessesCpuOptions().pids_to_monitor([${process.pid}]).batches(30).delay_in_seconds(2).build()).len()`,
  );
  assert.equal(r.killed, false, "still running after 20 s");
  const o = JSON.parse(r.out) as { status: string; error?: { message: string } };
  assert.equal(o.status, "ERROR", r.out);
  assert.match(o.error?.message ?? "", /time limit/, r.out);
  assert.doesNotMatch(o.error?.message ?? "", /wall-clock limit of 1000 ms exceeded/, r.out);
});

// Every host call that waits on a child process is cut at the run's deadline: each spawnSync (and each
// childJson, which runs one) under src/host takes its timeout from hostTimeout. systemctl (start, stop,
// restart, status, daemon-reload) kept a fixed 60 s, which no termination of the thread can interrupt.
test("every child process a host call waits for is bounded by the run's deadline (hostTimeout)", () => {
  const root = fileURLToPath(new URL("../../../src/host/", import.meta.url));
  const unbounded: string[] = [];
  for (const rel of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (!rel.endsWith(".ts") || rel.endsWith(".test.ts") || rel.endsWith("child.ts")) continue;
    const text = readFileSync(join(root, rel), "utf8");
    for (const call of ["spawnSync(", "childJson("]) {
      for (let i = text.indexOf(call); i >= 0; i = text.indexOf(call, i + 1)) {
        if (text.slice(Math.max(0, i - 16), i).includes("function ")) continue;
        if (!text.slice(i, i + 400).includes("hostTimeout(")) unbounded.push(`${rel}: ${call}`);
      }
    }
  }
  assert.deepEqual(unbounded, []);
});
