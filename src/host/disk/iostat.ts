import { readFileSync } from "node:fs";
import { checkPath } from "../check-path.js";
import type { HostContext } from "../context.js";
import { HostError, osErrorText } from "../errors.js";

export interface CpuStats {
  user_percent: number;
  nice_percent: number;
  system_percent: number;
  iowait_percent: number;
  steal_percent: number;
  idle_percent: number;
}

export interface DeviceStats {
  device_name: string;
  rrqm_per_sec: number;
  wrqm_per_sec: number;
  read_requests_per_sec: number;
  write_requests_per_sec: number;
  rkb_per_sec: number;
  wkb_per_sec: number;
  avg_request_size: number;
  avg_queue_size: number;
  avg_wait: number;
  avg_read_wait: number;
  avg_write_wait: number;
  svctm: number;
  util_percent: number;
}

export interface IoStatSnapshot {
  cpu_stats: CpuStats;
  device_stats: DeviceStats[];
}

/** Cap on /proc/diskstats lines considered. */
export const MAX_DISKSTATS = 10_000;

const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function readProc(path: string, plain: boolean): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new HostError("Other", osErrorText(err), "DiskinfoErrorKind", plain);
  }
}

function cpuStats(stat: string): CpuStats {
  const line = stat.split("\n").find((l) => l.startsWith("cpu "));
  const n = (line ?? "").trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = n;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return {
    user_percent: div(user, total) * 100,
    nice_percent: div(nice, total) * 100,
    system_percent: div(system + irq + softirq, total) * 100,
    iowait_percent: div(iowait, total) * 100,
    steal_percent: div(steal, total) * 100,
    idle_percent: div(idle, total) * 100,
  };
}

function deviceStats(text: string, uptime: number): DeviceStats[] {
  const out: DeviceStats[] = [];
  for (const line of text.split("\n").slice(0, MAX_DISKSTATS)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const v = f.map(Number);
    const [reads, merged, sectorsRead, timeReading, writes, writesMerged, sectorsWritten, timeWriting] = [
      v[3]!,
      v[4]!,
      v[5]!,
      v[6]!,
      v[7]!,
      v[8]!,
      v[9]!,
      v[10]!,
    ];
    const inProgressTime = v[12]!;
    const weighted = v[13]!;
    const ios = reads + writes;
    out.push({
      device_name: f[2]!,
      rrqm_per_sec: div(merged, uptime),
      wrqm_per_sec: div(writesMerged, uptime),
      read_requests_per_sec: div(reads, uptime),
      write_requests_per_sec: div(writes, uptime),
      rkb_per_sec: div((sectorsRead * 512) / 1024, uptime),
      wkb_per_sec: div((sectorsWritten * 512) / 1024, uptime),
      avg_request_size: div(sectorsRead + sectorsWritten, ios),
      avg_queue_size: div(weighted, uptime * 1000),
      avg_wait: div(timeReading + timeWriting, ios),
      avg_read_wait: div(timeReading, reads),
      avg_write_wait: div(timeWriting, writes),
      svctm: div(inProgressTime, ios),
      util_percent: Math.min(div(inProgressTime, uptime * 1000) * 100, 100),
    });
  }
  return out;
}

/**
 * Rex's `iostat()` / `Filesystems(..).iostat()`: read F(/proc/stat), read F(/proc/diskstats); averages since
 * boot (like the first report of `iostat -x`).
 */
export function iostat(ctx: HostContext, plain: boolean): IoStatSnapshot {
  const e = { source: "DiskinfoErrorKind" as const, plain };
  checkPath(ctx, "read", "File", "/proc/stat", e);
  checkPath(ctx, "read", "File", "/proc/diskstats", e);
  const stat = readProc("/proc/stat", plain);
  const disks = readProc("/proc/diskstats", plain);
  const uptime = Number(readProc("/proc/uptime", plain).split(/\s+/)[0]);
  return { cpu_stats: cpuStats(stat), device_stats: deviceStats(disks, uptime) };
}

const f2 = (x: number, w: number): string => x.toFixed(2).padStart(w);

/** `IoStatSnapshot.to_string()`: Rex's `iostat -x`-like table. */
export function iostatText(s: IoStatSnapshot): string {
  const c = s.cpu_stats;
  let out = "avg-cpu:  %user   %nice %system %iowait  %steal   %idle\n";
  out += `          ${[c.user_percent, c.nice_percent, c.system_percent, c.iowait_percent, c.steal_percent, c.idle_percent].map((x) => f2(x, 6)).join("  ")}\n\n`;
  out +=
    "Device:         rrqm/s   wrqm/s     r/s     w/s    rkB/s    wkB/s avgrq-sz avgqu-sz   await r_await w_await  svctm  %util\n";
  for (const d of s.device_stats) {
    out += `${d.device_name.padEnd(15)} ${f2(d.rrqm_per_sec, 8)} ${f2(d.wrqm_per_sec, 8)} ${f2(d.read_requests_per_sec, 7)} ${f2(d.write_requests_per_sec, 7)} ${f2(d.rkb_per_sec, 8)} ${f2(d.wkb_per_sec, 8)} ${f2(d.avg_request_size, 8)} ${f2(d.avg_queue_size, 8)} ${f2(d.avg_wait, 7)} ${f2(d.avg_read_wait, 7)} ${f2(d.avg_write_wait, 7)} ${f2(d.svctm, 6)} ${f2(d.util_percent, 6)}\n`;
  }
  return out;
}
