import type { HostContext, KillSignal, ManagedProcess } from "../../host/index.js";
import * as h from "../../host/index.js";
import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { type BuiltData, builder, built } from "./builders.js";
import { bindEnum } from "./enums.js";
import { toValue } from "./system.js";

const validation = (reason: string) =>
  new HostError("ValidationError", `Validation error: ${reason}`, "ProcessErrorKind");
const pm = (v: Value) => data<h.ProcessManager>(v, "ProcessManager");
const procValue = (p: ManagedProcess): Value => V.custom("ProcessInfo", p);

function u32(v: unknown, what: string): number {
  const n = v as bigint;
  if (n < 0n || n > 0xffffffffn) throw validation(`Invalid ${what} value ${n}`);
  return Number(n);
}

function monitorOptions(d: BuiltData): h.MonitorOptions {
  const pids = ((d.pids_to_monitor as Value[] | undefined) ?? []).flatMap((p) => {
    const n = typeof p === "number" || typeof p === "bigint" ? BigInt(p) : 0n;
    return n >= 0n && n <= 0xffffffffn ? [Number(n)] : [];
  });
  if (d.pids_to_monitor !== undefined && pids.length === 0) throw validation("PIDs array cannot be empty");
  return {
    pids_to_monitor: pids,
    batches: d.batches === undefined ? 1 : u32(d.batches, "batches"),
    delay_in_seconds: d.delay_in_seconds === undefined ? 0 : u32(d.delay_in_seconds, "delay_in_seconds"),
    include_threads: d.include_threads === true,
  };
}

/** Rex's `ProcessManager()` object API (`rhai-safe-process-mgmt`); trace and nsenter: bind/process-refused.ts. */
export function bindProcessManager(b: Binder, ctx: HostContext): void {
  bindEnum(b, "Signal", "Signal", {
    SIGTERM: "SIGTERM",
    SIGQUIT: "SIGQUIT",
    SIGHUP: "SIGHUP",
    SIGKILL: "SIGKILL",
  });
  const mp = (v: Value) => data<Partial<ManagedProcess>>(v, "ProcessInfo");
  const opt = (x: number | undefined, f: (n: number) => Value): Value => (x === undefined ? undefined : f(x));
  b.type("ProcessInfo", {
    getters: {
      memory_usage: (v) => opt(mp(v).memory_usage, V.int),
      memory_percent: (v) => opt(mp(v).memory_percent, V.float),
      recent_cpu_usage: (v) => opt(mp(v).recent_cpu_usage, V.float),
      historical_cpu_usage: (v) => opt(mp(v).historical_cpu_usage, V.float),
      pid_namespace: () => undefined,
    },
    methods: {
      to_map: [
        {
          params: [],
          fn: ([v]) => {
            const { ticks: _t, ...rest } = mp(v) as ManagedProcess;
            return toValue(rest);
          },
        },
      ],
    },
  });
  b.type("OpenFileInfo", {
    getters: Object.fromEntries(
      ["process_name", "user", "command", "file_path", "pid", "file_type", "access"].map((f) => [
        f,
        (v: Value) => toValue(data<Record<string, unknown>>(v, "OpenFileInfo")[f]),
      ]),
    ),
  });
  b.type("FuserInfo", {
    getters: Object.fromEntries(
      ["user", "command", "pid", "access"].map((f) => [
        f,
        (v: Value) => toValue(data<Record<string, unknown>>(v, "FuserInfo")[f]),
      ]),
    ),
  });
  const ipcs = (v: Value) => data<h.IpcsInfo>(v, "IpcsInfo");
  b.type("IpcsInfo", {
    getters: {
      shared_memory: (v) => V.str(ipcs(v).shared_memory),
      queues: (v) => V.str(ipcs(v).queues),
      semaphores: (v) => V.str(ipcs(v).semaphores),
    },
    toString: (v) => h.ipcsText(ipcs(v)),
  });

  builder(b, "ProcessOptions", { load_namespace_info: "bool", include_threads: "bool" });
  builder(b, "KillOptions", {
    pid: "i64",
    process_name: "string",
    username: "string",
    exact_match: "bool",
    command: "string",
    signal: "any",
  });
  builder(b, "LsofOptions", { path: "string", include_subdir: "bool", pid: "i64" });
  builder(b, "MonitorProcessesCpuOptions", {
    pids_to_monitor: "array",
    batches: "i64",
    delay_in_seconds: "i64",
    include_threads: "bool",
  });

  b.fn("ProcessManager", [], () => V.custom("ProcessManager", new h.ProcessManager(ctx)));
  b.type("ProcessManager", {
    methods: {
      processes: [
        { params: [], fn: ([m]) => V.array(pm(m!).processes().map(procValue)) },
        {
          params: ["ProcessOptions"],
          fn: ([m, o]) => {
            const d = built(o, "ProcessOptions");
            if (d.load_namespace_info === true) {
              ctx.log?.("WARN", "load_namespace_info is not supported by sigrun; pid_namespace is ()");
            }
            return V.array(
              pm(m!)
                .processes({ include_threads: d.include_threads === true })
                .map(procValue),
            );
          },
        },
      ],
      kill: [
        {
          params: ["KillOptions"],
          fn: ([m, o]) => {
            const d = built(o, "KillOptions");
            if (d.signal === undefined) throw validation("signal is required");
            const r = pm(m!).kill({
              pid: d.pid as bigint | undefined,
              process_name: d.process_name as string | undefined,
              username: d.username as string | undefined,
              exact_match: d.exact_match === true,
              command: d.command as string | undefined,
              signal: data<KillSignal>(d.signal as Value, "Signal"),
            });
            return V.array(r.map((k) => V.map({ name: V.str(k.name), pid: V.int(k.pid) })));
          },
        },
      ],
      list_open_files: [
        {
          params: ["LsofOptions"],
          fn: ([m, o]) => {
            const d = built(o, "LsofOptions");
            if (d.path !== undefined && d.pid !== undefined)
              throw validation("pid and path are mutually exclusive");
            if (d.path === undefined && d.pid === undefined)
              throw validation("Either path or pid is required");
            if (d.path === "") throw validation("Path cannot be empty");
            const rows = h.listOpenFiles(ctx, pm(m!), {
              path: d.path as string | undefined,
              include_subdir: d.include_subdir === true,
              pid: d.pid === undefined ? undefined : u32(d.pid, "PID"),
            });
            return V.array(rows.map((r) => V.custom("OpenFileInfo", r)));
          },
        },
      ],
      processes_using_inode: [
        {
          params: ["string"],
          fn: ([m, p]) =>
            V.array(h.processesUsingInode(ctx, pm(m!), str(p!)).map((r) => V.custom("FuserInfo", r))),
        },
      ],
      ipcs_info: [{ params: [], fn: () => V.custom("IpcsInfo", h.ipcsInfo(ctx)) }],
      monitor_processes_cpu: [
        {
          params: ["MonitorProcessesCpuOptions"],
          fn: ([m, o]) =>
            V.array(
              pm(m!)
                .monitor(monitorOptions(built(o, "MonitorProcessesCpuOptions")))
                .map((batch) => V.array(batch.map(procValue))),
            ),
        },
      ],
    },
  });
}
