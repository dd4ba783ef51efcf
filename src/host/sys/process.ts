import { closeSync, constants, openSync, readdirSync, readFileSync } from "node:fs";
import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { HostError } from "../errors.js";
import { passwdName } from "./users.js";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  name: string;
  uid: number;
  username: string;
  command: string;
  state: string;
  /** Start time in clock ticks since boot (`stat` field 22): with the pid, names one process instance. */
  startTime?: string;
}

function readProc(pid: number, dir = `/proc/${pid}`): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`${dir}/stat`, "utf8");
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const name = stat.slice(open + 1, close);
    const rest = stat.slice(close + 2).split(" ");
    const status = readFileSync(`${dir}/status`, "utf8");
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    const cmd = readFileSync(`${dir}/cmdline`, "utf8")
      .split("\0")
      .filter((x) => x !== "")
      .join(" ");
    return {
      pid,
      ppid: Number(rest[1]),
      name,
      uid,
      username: passwdName(uid),
      command: cmd,
      state: rest[0] ?? "",
      startTime: rest[19] ?? "",
    };
  } catch {
    return undefined;
  }
}

function processEntity(p: ProcessInfo) {
  return plainEntity("process_system::Process", String(p.pid), {
    name: p.name,
    username: p.username,
    command: p.command,
  });
}

/** Hard cap on processes listed. */
export const MAX_PROCESSES = 100_000;

/**
 * `ps()`: every process the policy allows to `process_system::Action::"list"` (entity
 * `process_system::Process` id = pid, attributes name, username, command); others are left out, not an error.
 */
export function ps(ctx: HostContext): ProcessInfo[] {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .slice(0, MAX_PROCESSES);
  } catch {
    throw new HostError(
      "ValidationError",
      "Validation error: ps: only supported on Linux",
      "ProcessErrorKind",
    );
  }
  const out: ProcessInfo[] = [];
  for (const pid of pids) {
    const p = readProc(pid);
    if (!p) continue;
    const e = processEntity(p);
    try {
      check(ctx, "process_system", "list", e.uid, [e], { source: "ProcessErrorKind" });
      out.push(p);
    } catch {
      // not permitted: filtered out, as Rex does
    }
  }
  return out;
}

const SIGNALS: Record<number, NodeJS.Signals> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  9: "SIGKILL",
  10: "SIGUSR1",
  12: "SIGUSR2",
  15: "SIGTERM",
  18: "SIGCONT",
  19: "SIGSTOP",
};

/** `kill(pid)`: `process_system::Action::"kill"` on the process, then the signal (default SIGTERM). */
export function kill(
  ctx: HostContext,
  pid: number,
  signal = 15,
  hooks: { afterAuthorize?: () => void } = {},
): Array<[string, number]> {
  const sig = SIGNALS[signal];
  if (sig === undefined)
    throw new HostError("ValidationError", `Validation error: invalid signal ${signal}`, "ProcessErrorKind");
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new HostError("ValidationError", `Validation error: invalid pid ${pid}`, "ProcessErrorKind");
  }
  if (pid === process.pid || ownThreads().includes(pid))
    throw new HostError(
      "PermissionDenied",
      `Permission denied: the runner's own process: ${pid}`,
      "ProcessErrorKind",
    );
  // Hold the process's /proc directory: it names this process instance, and reads through it fail once
  // that process is gone, even if its pid has been given to another process meanwhile.
  let dirFd: number;
  try {
    dirFd = openSync(`/proc/${pid}`, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    throw new HostError("ProcessNotFound", `Process not found: ${pid}`, "ProcessErrorKind");
  }
  try {
    const held = `/proc/self/fd/${dirFd}`;
    const p = readProc(pid, held);
    if (!p) throw new HostError("ProcessNotFound", `Process not found: ${pid}`, "ProcessErrorKind");
    const e = processEntity(p);
    check(ctx, "process_system", "kill", e.uid, [e], { source: "ProcessErrorKind" });
    hooks.afterAuthorize?.();
    // still the authorized process (alive, same start time), checked through the held directory
    const now = readProc(pid, held);
    if (!now || now.startTime !== p.startTime || now.state === "Z")
      throw new HostError("ProcessNotFound", `Process not found: ${pid} (it exited)`, "ProcessErrorKind");
    try {
      process.kill(pid, sig);
    } catch (err) {
      throw new HostError(
        "KillError",
        `Failed to send ${sig} to ${pid}: ${(err as Error).message}`,
        "ProcessErrorKind",
      );
    }
    return [[p.name, pid]];
  } finally {
    closeSync(dirFd);
  }
}

function ownThreads(): number[] {
  try {
    return readdirSync("/proc/self/task").map(Number);
  } catch {
    return [];
  }
}
