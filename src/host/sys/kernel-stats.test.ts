import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseKernelStats } from "./kernel-stats.js";

const STAT = `cpu  100 2 30 4000 5 6 7 8 9 10
cpu0 60 1 20 2000 3 4 5 6 7 8
cpu1 40 1 10 2000 2 2 2 2 2 2
intr 12345 1 2 3
ctxt 987654
btime 1700000000
processes 4242
procs_running 3
procs_blocked 1
softirq 1 2 3
`;

test("kernel_stats: every field of procfs's KernelStats, ms = ticks × 10 (USER_HZ 100)", () => {
  const k = parseKernelStats(STAT);
  assert.equal(k.cpu_time.length, 2);
  assert.deepEqual(
    [k.context_switches, k.boot_time, k.forks, k.procs_running, k.procs_blocked],
    [987654, 1700000000, 4242, 3, 1],
  );
  assert.equal(k.total_cpu_time.user_ticks, 100);
  assert.equal(k.total_cpu_time.guest_nice_ticks, 10);
  assert.equal(k.total_cpu_time.idle_ms, 40000);
  assert.equal(k.cpu_time[1]?.stolen_ms, 20);
});

test("kernel_stats: optional cpu columns (old kernels) and procs_* lines default to 0", () => {
  const k = parseKernelStats("cpu 1 2 3 4\nctxt 1\nbtime 2\nprocesses 3\n");
  assert.equal(k.total_cpu_time.iowait_ticks, 0);
  assert.equal(k.procs_running, 0);
  assert.deepEqual(k.cpu_time, []);
});

test("kernel_stats: strict — missing required lines and malformed numbers are errors, never zeros", () => {
  for (const bad of [
    "ctxt 1\nbtime 2\nprocesses 3\n", // no cpu line
    "cpu 1 2 3 4\nbtime 2\nprocesses 3\n", // no ctxt
    "cpu 1 2 3\nctxt 1\nbtime 2\nprocesses 3\n", // three cpu columns
    "cpu 1 2 3 x\nctxt 1\nbtime 2\nprocesses 3\n",
    "cpu 1 2 3 4\nctxt -1\nbtime 2\nprocesses 3\n",
    "cpu 1 2 3 4\nctxt 1 2\nbtime 2\nprocesses 3\n",
    "cpu 1 2 3 4\nctxt 99999999999999999999\nbtime 2\nprocesses 3\n",
    "cpu 1 2 3 4 5 6 7 8 9 10 11\nctxt 1\nbtime 2\nprocesses 3\n",
  ]) {
    assert.throws(() => parseKernelStats(bad), /Failed to parse \/proc\/stat/, bad);
  }
});

test("kernel_stats: this machine's /proc/stat parses, one cpuN line per CPU line in the file", (t) => {
  let text: string;
  try {
    text = readFileSync("/proc/stat", "utf8");
  } catch {
    return t.skip("no /proc/stat");
  }
  const k = parseKernelStats(text);
  assert.equal(k.cpu_time.length, text.split("\n").filter((l) => /^cpu\d+ /.test(l)).length);
  assert.equal(String(k.boot_time), /^btime (\d+)$/m.exec(text)?.[1]);
});
