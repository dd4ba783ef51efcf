import { cpus, hostname as osHostname } from "node:os";
import { checkPath } from "../check-path.js";
import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { checkSysinfo, meminfo, type UnameInfo, unameData } from "./sysinfo.js";

/** Rex's `Meminfo` (bytes); `shared` is read through the `shared_mem` getter. */
export interface Meminfo {
  total: number;
  free: number;
  available: number;
  used: number;
  buffers: number;
  cached: number;
  shared_mem: number;
}

export interface Swapinfo {
  total: number;
  free: number;
  used: number;
}

const sysErr = (err: unknown): never => {
  if (err instanceof HostError) throw new HostError(err.kind, err.message, "SysteminfoErrorKind");
  throw err;
};

/** `SystemInfo()`: Rex loads /proc/meminfo once when constructing (no Cedar request). */
export function systemInfo(): void {
  try {
    meminfo();
  } catch (err) {
    sysErr(err);
  }
}

/** `SystemInfo().hostname()` / `.cpu_count()` / `.uname_info()`: `sysinfo::Action::"list"`. */
export function sysHostname(ctx: HostContext): string {
  checkSysinfo(ctx, false);
  return osHostname();
}

export function cpuCount(ctx: HostContext): number {
  checkSysinfo(ctx, false);
  return cpus().length;
}

export function unameInfo(ctx: HostContext): UnameInfo {
  checkSysinfo(ctx, false);
  return unameData();
}

const readMeminfo = (ctx: HostContext): Record<string, number> => {
  checkPath(ctx, "read", "File", "/proc/meminfo", { source: "SysteminfoErrorKind" });
  try {
    return meminfo();
  } catch (err) {
    return sysErr(err);
  }
};

/** `.memory_info()`: read F(/proc/meminfo). */
export function memoryInfo(ctx: HostContext): Meminfo {
  const m = readMeminfo(ctx);
  const total = m.MemTotal ?? 0;
  const available = m.MemAvailable ?? 0;
  return {
    total,
    free: m.MemFree ?? 0,
    available,
    used: total - available,
    buffers: m.Buffers ?? 0,
    cached: m.Cached ?? 0,
    shared_mem: m.Shmem ?? 0,
  };
}

/** `.swap_info()`: read F(/proc/meminfo). */
export function swapInfo(ctx: HostContext): Swapinfo {
  const m = readMeminfo(ctx);
  const total = m.SwapTotal ?? 0;
  const free = m.SwapFree ?? 0;
  return { total, free, used: total - free };
}

export function meminfoText(m: Meminfo): string {
  return `Memory Info:\n  Total: ${m.total} bytes\n  Free: ${m.free} bytes\n  Available: ${m.available} bytes\n  Used: ${m.used} bytes\n  Buffers: ${m.buffers} bytes\n  Cached: ${m.cached} bytes\n  Shared: ${m.shared_mem} bytes`;
}

export function swapinfoText(s: Swapinfo): string {
  return `Swap Info:\n  Total: ${s.total} bytes\n  Free: ${s.free} bytes\n  Used: ${s.used} bytes`;
}
