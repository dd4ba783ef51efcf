import { readFileSync } from "node:fs";
import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check, hostTimeout } from "../context.js";
import { HostError, osErrorText } from "../errors.js";
import { listPids, type ManagedProcess, readContext, readManaged } from "./proc-read.js";

const procErr = (kind: string, message: string) => new HostError(kind, message, "ProcessErrorKind");

export function processEntity(pid: number, name: string, username: string, command: string) {
  return plainEntity("process_system::Process", String(pid), { name, username, command });
}

/** Whether a Cedar request on a process is allowed; a deny is `false`, an engine failure throws. */
export function allowedOn(
  ctx: HostContext,
  verb: string,
  p: { pid: number; name: string; username: string; command: string },
): boolean {
  const e = processEntity(p.pid, p.name, p.username, p.command);
  try {
    check(ctx, "process_system", verb, e.uid, [e], { source: "ProcessErrorKind" });
    return true;
  } catch (err) {
    if (err instanceof HostError && err.kind === "PermissionDenied") return false;
    throw err;
  }
}

function startTime(pid: number): string | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export type KillSignal = "SIGTERM" | "SIGQUIT" | "SIGHUP" | "SIGKILL";

export interface KillOptions {
  pid?: bigint;
  process_name?: string;
  username?: string;
  exact_match?: boolean;
  command?: string;
  signal: KillSignal;
}

export interface MonitorOptions {
  pids_to_monitor: number[];
  batches: number;
  delay_in_seconds: number;
  include_threads: boolean;
}

/** sysinfo's MINIMUM_CPU_UPDATE_INTERVAL on Linux. */
const MIN_CPU_INTERVAL_MS = 200;
/** Longest monitoring a script may ask for (it also ends at the run's wall-clock deadline). */
export const MAX_MONITOR_MS = 300_000;

/**
 * Sleeps `ms`, at most until just past the run's deadline (hostTimeout); false when the deadline cut it
 * (the interpreter then ends the run after this host call).
 */
function sleepMs(ctx: HostContext, ms: number): boolean {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, hostTimeout(ctx, ms));
  return ctx.deadline === undefined || Date.now() <= ctx.deadline;
}

interface Handle {
  info: ManagedProcess;
  start: string | undefined;
}

/**
 * Rex's `ProcessManager()`: `processes` lists what the policy lets the script `list` and remembers those
 * processes; `kill` signals only remembered processes (Rex keeps a pidfd; here the start time is
 * compared before signalling, so a reused pid is not signalled).
 */
export class ProcessManager {
  private readonly handles = new Map<number, Handle>();
  constructor(private readonly ctx: HostContext) {}

  /** The process `processes()` listed (and remembered) under this pid, if any. */
  cached(pid: number): ManagedProcess | undefined {
    return this.handles.get(pid)?.info;
  }

  remember(info: ManagedProcess): void {
    this.handles.set(info.pid, { info, start: startTime(info.pid) });
  }

  processes(opts: { include_threads?: boolean } = {}): ManagedProcess[] {
    const rc = readContext();
    const out: ManagedProcess[] = [];
    let warned = false;
    const consider = (p: ManagedProcess | undefined) => {
      if (!p) return;
      if (allowedOn(this.ctx, "list", p)) {
        this.remember(p);
        out.push(p);
      } else if (!warned) {
        warned = true;
        this.ctx.log?.(
          "WARN",
          `Some processes have been skipped due to enforced cedar policy: ${this.ctx.user} unauthorized to perform process_system::Action::"list"`,
        );
      }
    };
    for (const pid of listPids()) {
      consider(readManaged(pid, rc));
      if (opts.include_threads) {
        for (const tid of listPids(`/proc/${pid}/task`))
          if (tid !== pid) consider(readManaged(tid, rc, `/proc/${pid}/task`));
      }
    }
    return out;
  }

  private signal(h: Handle, signal: KillSignal): void {
    const p = h.info;
    const e = processEntity(p.pid, p.name, p.username, p.command);
    check(this.ctx, "process_system", signal === "SIGHUP" ? "interrupt" : "kill", e.uid, [e], {
      source: "ProcessErrorKind",
    });
    if (startTime(p.pid) !== h.start || h.start === undefined) {
      throw procErr(
        "ProcessNotFound",
        `Process not found: Cannot send signal to process - no valid pidfd: PID ${p.pid}`,
      );
    }
    try {
      process.kill(p.pid, signal);
    } catch (err) {
      throw procErr("Other", osErrorText(err));
    }
  }

  /** `kill(KillOptions)`: by pid, or every remembered process matching name/user/command. */
  kill(o: KillOptions): Array<{ name: string; pid: number }> {
    if (o.pid !== undefined) {
      if (o.pid < 0n || o.pid > 0xffffffffn) {
        throw procErr(
          "ValidationError",
          `Validation error: Invalid PID value ${o.pid}: out of range integral type conversion attempted`,
        );
      }
      const pid = Number(o.pid);
      const h = this.handles.get(pid);
      if (!h) throw procErr("ProcessNotFound", `Process not found: Process not found: PID ${pid}`);
      this.signal(h, o.signal);
      return [{ name: h.info.name, pid }];
    }
    const killed: Array<{ name: string; pid: number }> = [];
    for (const h of this.handles.values()) {
      const p = h.info;
      const like = (have: string, want: string) => (o.exact_match ? have === want : have.includes(want));
      if (o.process_name !== undefined && !like(p.name, o.process_name)) continue;
      if (o.username !== undefined && p.username !== o.username) continue;
      if (o.command !== undefined && !like(p.command, o.command)) continue;
      try {
        this.signal(h, o.signal);
        killed.push({ name: o.command !== undefined ? p.command : p.name, pid: p.pid });
      } catch (err) {
        this.ctx.log?.("ERROR", `Failed to send signal to process ${p.pid}: ${(err as Error).message}`);
      }
    }
    if (killed.length === 0)
      throw procErr("ProcessNotFound", "Process not found: No matching processes found: PID 0");
    return killed;
  }

  /**
   * `monitor_processes_cpu(options)`: after 200 ms, `batches` samples (`delay_in_seconds` apart, at least
   * 200 ms) of the given pids with `recent_cpu_usage` (% of one CPU since the previous sample); each sample
   * makes a `list` request per process and leaves out the denied ones.
   */
  monitor(o: MonitorOptions): ManagedProcess[][] {
    const delay = o.delay_in_seconds === 0 ? MIN_CPU_INTERVAL_MS : o.delay_in_seconds * 1000;
    if (MIN_CPU_INTERVAL_MS + Math.max(0, o.batches - 1) * delay > MAX_MONITOR_MS) {
      throw procErr(
        "ValidationError",
        `Validation error: monitoring longer than ${MAX_MONITOR_MS / 1000} seconds`,
      );
    }
    const targets: Array<{ pid: number; base: string; main: boolean }> = o.pids_to_monitor.map((pid) => ({
      pid,
      base: "/proc",
      main: true,
    }));
    if (o.include_threads) {
      for (const pid of o.pids_to_monitor)
        for (const tid of listPids(`/proc/${pid}/task`))
          if (tid !== pid) targets.push({ pid: tid, base: `/proc/${pid}/task`, main: false });
    }
    const sample = () => {
      const rc = readContext();
      return { at: rc.uptime, procs: new Map(targets.map((t) => [t.pid, readManaged(t.pid, rc, t.base)])) };
    };
    let prev = sample();
    const batches: ManagedProcess[][] = [];
    if (!sleepMs(this.ctx, MIN_CPU_INTERVAL_MS)) return batches;
    for (let b = 0; b < o.batches; b++) {
      const cur = sample();
      const secs = Math.max(cur.at - prev.at, 0.001);
      const usage = (pid: number) => {
        const now = cur.procs.get(pid);
        const before = prev.procs.get(pid);
        return now && before ? ((now.ticks - before.ticks) / 100 / secs) * 100 : 0;
      };
      const batch: ManagedProcess[] = [];
      for (const t of targets) {
        const p = cur.procs.get(t.pid);
        if (!p) {
          this.ctx.log?.("WARN", `Process with PID ${t.pid} does not exist`);
          continue;
        }
        if (!allowedOn(this.ctx, "list", p)) {
          this.ctx.log?.(
            "WARN",
            `Process with PID ${t.pid} has been skipped due to being unauthorized to perform List action`,
          );
          continue;
        }
        let u = usage(t.pid);
        if (o.include_threads && t.main) {
          const workers = targets
            .filter((x) => !x.main && x.base === `/proc/${t.pid}/task`)
            .reduce((s, x) => s + usage(x.pid), 0);
          u = Math.max(u - workers, 0);
        }
        batch.push({ ...p, recent_cpu_usage: u });
      }
      batches.push(batch);
      prev = cur;
      if (b < o.batches - 1 && !sleepMs(this.ctx, delay)) break;
    }
    return batches;
  }
}
