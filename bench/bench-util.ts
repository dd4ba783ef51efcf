import { spawnSync } from "node:child_process";

/** Median wall time in milliseconds of `runs` calls of `fn` after `warmup` calls. */
export function medianMs(fn: () => void, runs = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Median wall time of a whole process; throws if it exits non-zero. */
export function processMs(cmd: string, args: string[], runs = 7): number {
  return medianMs(
    () => {
      const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    },
    runs,
    1,
  );
}

export function report(
  name: string,
  ours: number,
  baseline: number,
  target: number,
  baselineName: string,
): boolean {
  const ratio = ours / baseline;
  const ok = ratio <= target;
  process.stdout.write(
    `${ok ? "PASS" : "MISS"}  ${name.padEnd(44)} ours ${ours.toFixed(1).padStart(8)} ms   ${baselineName} ${baseline.toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)} (target ≤ ${target})\n`,
  );
  return ok;
}
