// Run inside a fresh PID namespace (`unshare --pid --fork --mount-proc sh -c 'node THIS DIR'`) by
// test/security/kill-reused-pid.test.ts: process A is authorized for `kill`, then, before the signal,
// A dies and its pid is handed to process B (ns_last_pid). Prints what happened as JSON.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kill } from "../../src/host/index.js";
import { fixture, kindOf } from "./host-fixture.js";

const dir = process.argv[2]!;
copyFileSync("/bin/sleep", join(dir, "victim-a"));
copyFileSync("/bin/sleep", join(dir, "victim-b"));
const start = (name: string): number =>
  Number(spawnSync("sh", ["-c", `${join(dir, name)} 30 >/dev/null 2>&1 & echo $!`]).stdout.toString());
const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
};
const pause = () => spawnSync("sleep", ["0.05"]);

const fx = fixture(
  () =>
    `permit(principal, action == process_system::Action::"kill", resource) when { resource.name == "victim-a" };`,
);
const a = start("victim-a");
let b = 0;
const kind = kindOf(() =>
  kill(fx.ctx, a, 15, {
    afterAuthorize: () => {
      process.kill(a, "SIGKILL");
      for (let i = 0; i < 200 && existsSync(`/proc/${a}`); i++) pause();
      writeFileSync("/proc/sys/kernel/ns_last_pid", String(a - 2));
      b = start("victim-b");
    },
  }),
);
pause();
pause();
process.stdout.write(JSON.stringify({ a, b, reused: a === b, kind, bAlive: alive(b) }));
if (alive(b)) process.kill(b, "SIGKILL");
fx.cleanup();
