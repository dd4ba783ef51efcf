import { readdirSync, readFileSync } from "node:fs";
import { passwdName } from "./users.js";

/** Rex's `ProcessInfo` (process manager API). */
export interface ManagedProcess {
  pid: number;
  name: string;
  ppid?: number;
  uid?: number;
  username: string;
  memory_usage: number;
  memory_percent: number;
  state: string;
  command: string;
  recent_cpu_usage?: number;
  historical_cpu_usage: number;
  /** CPU ticks used so far (for monitoring). */
  ticks: number;
}

/** Linux USER_HZ and page size (fixed by the kernel ABI on the architectures Node runs on). */
const CLK_TCK = 100;
const PAGE = 4096;

// sysinfo's ProcessStatus Debug names for the /proc state letters.
const STATES: Record<string, string> = {
  R: "Run",
  S: "Sleep",
  D: "UninterruptibleDiskSleep",
  Z: "Zombie",
  T: "Stop",
  t: "Tracing",
  X: "Dead",
  x: "Dead",
  K: "Wakekill",
  W: "Waking",
  P: "Parked",
  I: "Idle",
};

export function uptimeSecs(): number {
  return Number(readFileSync("/proc/uptime", "utf8").split(/\s+/)[0]);
}

export function totalMemory(): number {
  const m = /^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Rex's `format_command`: the argv joined by spaces, directory stripped from the program. */
export function formatCommand(argv: string[]): string {
  const parts = argv.join(" ").split(" ");
  const first = parts[0] ?? "";
  parts[0] = first.slice(first.lastIndexOf("/") + 1);
  return parts.join(" ");
}

export interface ReadContext {
  uptime: number;
  total: number;
  names: Map<number, string>;
}

export function readContext(): ReadContext {
  return { uptime: uptimeSecs(), total: totalMemory(), names: new Map() };
}

/** One process (or thread, with `base` = /proc/<pid>/task) as Rex's process manager describes it. */
export function readManaged(pid: number, rc: ReadContext, base = "/proc"): ManagedProcess | undefined {
  try {
    const stat = readFileSync(`${base}/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const f = stat.slice(close + 2).split(" ");
    const status = readFileSync(`${base}/${pid}/status`, "utf8");
    const uidText = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    const uid = uidText === undefined ? undefined : Number(uidText);
    let username = "";
    if (uid !== undefined) {
      username = rc.names.get(uid) ?? passwdName(uid);
      rc.names.set(uid, username);
    }
    const argv = readFileSync(`${base}/${pid}/cmdline`, "utf8")
      .split("\0")
      .filter((x) => x !== "");
    const rss = Number(readFileSync(`${base}/${pid}/statm`, "utf8").split(" ")[1] ?? 0) * PAGE;
    const ticks = Number(f[11] ?? 0) + Number(f[12] ?? 0);
    const runSecs = Math.floor(rc.uptime - Number(f[19] ?? 0) / CLK_TCK);
    const ppid = Number(f[1]);
    return {
      pid,
      name,
      ppid: ppid > 0 ? ppid : undefined,
      uid,
      username,
      memory_usage: rss,
      memory_percent: rc.total === 0 ? 0 : Math.floor((rss * 10000) / rc.total) / 100,
      state: STATES[f[0] ?? ""] ?? `Unknown(${f[0]})`,
      command: formatCommand(argv),
      historical_cpu_usage: runSecs > 0 ? ((ticks * 1000) / CLK_TCK / (runSecs * 1000)) * 100 : 0,
      ticks,
    };
  } catch {
    return undefined;
  }
}

/** Numeric entries of a /proc-like directory (capped). */
export function listPids(dir = "/proc", cap = 100_000): number[] {
  try {
    return readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .slice(0, cap)
      .map(Number);
  } catch {
    return [];
  }
}
