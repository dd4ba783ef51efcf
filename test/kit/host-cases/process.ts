// Permitted/denied cases for the ProcessManager() object API. Each case starts its own short-lived
// victim process (cwd = the case's temp dir, a marker in its argv) so kill/lsof/fuser have a known target.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { HostCase } from "./index.js";

const LIST = `permit(principal, action == process_system::Action::"list", resource);`;
const PROC_DIR = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource == file_system::Dir::"/proc");`;
const FDS = `permit(principal, action == process_system::Action::"list_fds", resource);`;
const mark = (d: string) => `sigrun-victim-${basename(d)}`;
const linux = () => (existsSync("/proc/self/stat") ? false : "no /proc");

// The victim is /usr/bin/python3 (Debian's, not a pyenv shim), whose process name (comm) is stable: Node 24 names its main thread "MainThread".
// Waits until the child has exec'd: until then /proc/<pid> shows the forked parent (a node thread), and a
// listing taken that early sees the wrong name and command line.
function startVictim(d: string): void {
  const c = spawn("/usr/bin/python3", ["-c", "import time; time.sleep(30)", mark(d)], {
    cwd: d,
    stdio: "ignore",
  });
  c.unref();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 500; i++) {
    const cmdline = existsSync(`/proc/${c.pid}/cmdline`)
      ? readFileSync(`/proc/${c.pid}/cmdline`, "utf8")
      : "";
    const comm = existsSync(`/proc/${c.pid}/comm`) ? readFileSync(`/proc/${c.pid}/comm`, "utf8").trim() : "";
    if (cmdline.includes(mark(d)) && comm === "python3") break;
    Atomics.wait(pause, 0, 0, 10);
  }
  writeFileSync(`${d}/victim.pid`, String(c.pid));
  writeFileSync(`${d}/victim.start`, startOf(c.pid ?? 0) ?? "");
}

const victim = (d: string) => Number(readFileSync(`${d}/victim.pid`, "utf8"));
const readStat = (pid: number): string | undefined =>
  existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : undefined;
const startOf = (pid: number): string | undefined => readStat(pid)?.split(") ")[1]?.split(" ")[19];
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
function stopVictim(d: string): void {
  try {
    process.kill(victim(d), "SIGKILL");
  } catch {
    // gone
  }
}

const find = (d: string) =>
  `let m = ProcessManager(); let v = m.processes().filter(|p| p.command.contains("${mark(d)}"));`;

export const PROCESS_CASES: HostCase[] = [
  {
    name: "ProcessManager.processes",
    skip: linux,
    setup: startVictim,
    script: (d) => `${find(d)} v.len() == 1 && v[0].memory_usage > 0 && v[0].name == "python3"`,
    allow: () => LIST,
    deniedOutput: "false",
    output: "true",
    effect: stopVictim,
    noEffect: stopVictim,
  },
  {
    name: "ProcessManager.kill",
    skip: linux,
    setup: startVictim,
    script: (d) => `${find(d)} m.kill(KillOptions().pid(v[0].pid).signal(Signal::SIGKILL).build())[0].name`,
    allow: (d) =>
      `${LIST}\npermit(principal, action == process_system::Action::"kill", resource) when { resource.command like "*${mark(d)}*" };`,
    deny: () => LIST,
    output: "python3",
    effect: (d) => {
      // the signal is delivered asynchronously: wait (up to 10 s) until the victim is dead, a zombie, or
      // its pid belongs to another process (a different start time)
      const pid = victim(d);
      const born = readFileSync(`${d}/victim.start`, "utf8");
      const state = () => (startOf(pid) !== born ? "X" : (readStat(pid)?.split(") ")[1]?.[0] ?? "X"));
      for (let i = 0; i < 200 && state() !== "Z" && state() !== "X"; i++) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
      assert.ok(["Z", "X"].includes(state()), `victim state ${state()}`);
    },
    noEffect: (d) => {
      const ok = alive(victim(d));
      stopVictim(d);
      assert.ok(ok);
    },
  },
  {
    name: "ProcessManager.list_open_files",
    skip: linux,
    setup: startVictim,
    script: (d) =>
      `let f = ProcessManager().list_open_files(LsofOptions().path("${d}").build()); f.filter(|x| x.access == "Working directory" && x.file_type == "DIR" && x.command.contains("${mark(d)}")).len()`,
    allow: () => `${PROC_DIR}\n${FDS}`,
    output: "1",
    effect: stopVictim,
    noEffect: stopVictim,
  },
  {
    name: "ProcessManager.processes_using_inode",
    skip: linux,
    setup: startVictim,
    script: (d) =>
      `ProcessManager().processes_using_inode("${d}").filter(|x| x.command.contains("${mark(d)}")).map(|x| x.access)`,
    allow: () => `${PROC_DIR}\n${FDS}`,
    output: '["Working directory"]',
    effect: stopVictim,
    noEffect: stopVictim,
  },
  {
    name: "ProcessManager.ipcs_info",
    skip: () => (existsSync("/proc/sysvipc/shm") ? false : "no /proc/sysvipc"),
    script: () =>
      `let i = ProcessManager().ipcs_info(); i.shared_memory.contains("shmid") && i.to_string().starts_with("Shared Memory Segments:")`,
    allow: () =>
      `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"/proc/sysvipc");`,
    output: "true",
    seq: [
      'allow open Dir::"/proc/sysvipc"',
      'allow open File::"/proc/sysvipc/shm"',
      'allow open Dir::"/proc/sysvipc"',
      'allow open File::"/proc/sysvipc/sem"',
      'allow open Dir::"/proc/sysvipc"',
      'allow open File::"/proc/sysvipc/msg"',
      'allow read File::"/proc/sysvipc/shm"',
      'allow read File::"/proc/sysvipc/sem"',
      'allow read File::"/proc/sysvipc/msg"',
    ],
  },
  {
    name: "ProcessManager.monitor_processes_cpu",
    skip: linux,
    setup: startVictim,
    script: (d) =>
      `let b = ProcessManager().monitor_processes_cpu(MonitorProcessesCpuOptions().pids_to_monitor([${"$"}PID]).batches(2).build()); b.map(|x| x.len())`.replace(
        "$PID",
        String(victim(d)),
      ),
    allow: () => LIST,
    output: "[1, 1]",
    // denied processes are left out of each batch, as in Rex
    deniedOutput: "[0, 0]",
    effect: stopVictim,
    noEffect: stopVictim,
  },
];

/** Names that make no Cedar request: the manager constructor, result values, Signal. */
export function isProcessUngated(name: string): boolean {
  if (/^(OpenFileInfo|FuserInfo|IpcsInfo|ProcessInfo)\./.test(name)) return true;
  return name === "ProcessManager";
}
