import { readFileSync } from "node:fs";
import { checkPath } from "../check-path.js";
import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";

/** Rex's `RhaiCpuTime`: one `cpu` line of /proc/stat, in ticks and in milliseconds. */
export interface CpuTime {
  user_ticks: number;
  nice_ticks: number;
  system_ticks: number;
  idle_ticks: number;
  iowait_ticks: number;
  irq_ticks: number;
  softirq_ticks: number;
  stolen_ticks: number;
  guest_ticks: number;
  guest_nice_ticks: number;
  user_ms: number;
  nice_ms: number;
  system_ms: number;
  idle_ms: number;
  iowait_ms: number;
  irq_ms: number;
  softirq_ms: number;
  stolen_ms: number;
  guest_ms: number;
  guest_nice_ms: number;
}

/** Rex's `RhaiKernelStats` (procfs `KernelStats`). */
export interface KernelStats {
  total_cpu_time: CpuTime;
  cpu_time: CpuTime[];
  procs_running: number;
  procs_blocked: number;
  context_switches: number;
  boot_time: number;
  forks: number;
}

/** Field order of a `cpu` line; the first four are required (procfs), the rest default to 0. */
export const CPU_TIME_FIELDS = [
  "user",
  "nice",
  "system",
  "idle",
  "iowait",
  "irq",
  "softirq",
  "stolen",
  "guest",
  "guest_nice",
] as const;
/** Linux USER_HZ (the ticks of /proc/stat) on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;
const MS_PER_TICK = 1000 / TICKS_PER_SECOND;
/** Caps: /proc/stat of a 4,096-CPU machine is well under 1 MiB. */
export const MAX_STAT_BYTES = 4 * 1024 * 1024;
const MAX_CPUS = 65_536;

const bad = (what: string): HostError =>
  new HostError("Other", `Failed to parse /proc/stat: ${what}`, "SysteminfoErrorKind");

/** A decimal u64 field, exact below 2^53 (larger values are refused, not rounded). */
function u64(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d{1,16}$/.test(text)) throw bad(`${what}: ${JSON.stringify(text ?? "")}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw bad(`${what}: out of range`);
  return n;
}

function cpuLine(fields: string[], name: string): CpuTime {
  if (fields.length < 4 || fields.length > CPU_TIME_FIELDS.length)
    throw bad(`${name}: ${fields.length} fields`);
  const out: Record<string, number> = {};
  CPU_TIME_FIELDS.forEach((f, i) => {
    const ticks = i < fields.length ? u64(fields[i], `${name}.${f}`) : 0;
    out[`${f}_ticks`] = ticks;
    out[`${f}_ms`] = ticks * MS_PER_TICK;
  });
  return out as unknown as CpuTime;
}

/**
 * Parses /proc/stat as procfs's `KernelStats::from_buf_read`: `cpu` (total, required), `cpuN` lines,
 * `ctxt`, `btime`, `processes` (required), `procs_running`, `procs_blocked` (0 when absent). Strict: a
 * malformed value on one of these lines is an error, never a silent zero; other lines are ignored.
 */
export function parseKernelStats(text: string): KernelStats {
  let total: CpuTime | undefined;
  const cpus: CpuTime[] = [];
  const one: Record<string, number | undefined> = {};
  for (const line of text.split("\n")) {
    const [key, ...rest] = line.split(/\s+/).filter((x) => x !== "");
    if (key === undefined) continue;
    if (key === "cpu") total = cpuLine(rest, "cpu");
    else if (/^cpu\d+$/.test(key)) {
      if (cpus.length >= MAX_CPUS) throw bad("too many cpu lines");
      cpus.push(cpuLine(rest, key));
    } else if (["ctxt", "btime", "processes", "procs_running", "procs_blocked"].includes(key)) {
      if (rest.length !== 1) throw bad(`${key}: expected one value`);
      one[key] = u64(rest[0], key);
    }
  }
  const need = (k: string): number => {
    const v = one[k];
    if (v === undefined) throw bad(`missing ${k}`);
    return v;
  };
  if (total === undefined) throw bad("missing cpu");
  return {
    total_cpu_time: total,
    cpu_time: cpus,
    context_switches: need("ctxt"),
    boot_time: need("btime"),
    forks: need("processes"),
    procs_running: one.procs_running ?? 0,
    procs_blocked: one.procs_blocked ?? 0,
  };
}

/** `SystemInfo().kernel_stats()`: read F(/proc/stat), then /proc/stat parsed (Rex: procfs KernelStats). */
export function kernelStats(ctx: HostContext): KernelStats {
  checkPath(ctx, "read", "File", "/proc/stat", { source: "SysteminfoErrorKind" });
  let text: string;
  try {
    text = readFileSync("/proc/stat", "utf8");
  } catch (err) {
    throw new HostError(
      "Other",
      `Failed to read /proc/stat: ${(err as Error).message}`,
      "SysteminfoErrorKind",
    );
  }
  if (text.length > MAX_STAT_BYTES) throw bad("file too large");
  return parseKernelStats(text);
}
