import { readFileSync } from "node:fs";
import type { MetricUnit } from "./output.js";

/** Rex's process monitoring metrics, sampled once at the end of the run. */
export function processMetrics(): Array<{ name: string; value: number; unit: MetricUnit }> {
  const cpu = process.cpuUsage();
  const upMs = process.uptime() * 1000;
  const cpuPct = upMs > 0 ? ((cpu.user + cpu.system) / 1000 / upMs) * 100 : 0;
  const rssMb = process.memoryUsage().rss / (1024 * 1024);
  let vmMb = 0;
  try {
    const m = /VmSize:\s+(\d+)\s+kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) vmMb = Number(m[1]) / 1024;
  } catch {
    vmMb = 0;
  }
  return [
    { name: "RexRunnerProcessCpuUsage", value: cpuPct, unit: "PERCENT" },
    { name: "RexRunnerProcessRssMemoryUsageAverage", value: rssMb, unit: "MEGABYTES" },
    { name: "RexRunnerProcessVirtualMemoryUsageAverage", value: vmMb, unit: "MEGABYTES" },
  ];
}
