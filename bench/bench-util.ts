import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

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

/** Prints one ratio line: PASS/MISS against `target`, or INFO when there is no target. */
export function report(
  name: string,
  ours: number,
  baseline: number,
  target: number | undefined,
  baselineName: string,
): boolean {
  const ratio = ours / baseline;
  const ok = target === undefined || ratio <= target;
  const tag = target === undefined ? "INFO" : ok ? "PASS" : "MISS";
  process.stdout.write(
    `${tag}  ${name.padEnd(44)} ours ${ours.toFixed(1).padStart(8)} ms   ${baselineName} ${baseline.toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)}${target === undefined ? "" : ` (target ≤ ${target})`}\n`,
  );
  return ok;
}

/** One command for `processMedians`. */
export interface ProcessCase {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * Median wall time of each command, measured in rounds (every command once per round, after one
 * warm-up round), so that a change in machine load during the run weighs on all of them alike. Throws
 * if a command exits non-zero.
 */
export function processMedians(cases: ProcessCase[], runs = 7): number[] {
  const times = cases.map((): number[] => []);
  for (let round = 0; round <= runs; round++) {
    cases.forEach((c, i) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(c.cmd, c.args, {
        stdio: ["ignore", "ignore", "pipe"],
        env: c.env === undefined ? process.env : { ...process.env, ...c.env },
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(" ")} exited ${r.status}: ${r.stderr}`);
      if (round > 0) times[i]!.push(ms);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

/** Version of a Node binary other than this one, if it exists and runs (`/usr/bin/node` on CI machines). */
export function otherNode(path = "/usr/bin/node"): { path: string; version: string } | undefined {
  const r = spawnSync(path, ["--version"], { encoding: "utf8" });
  if (r.status !== 0 || r.error) return undefined;
  const version = r.stdout.trim();
  return version === process.version ? undefined : { path, version };
}

/**
 * The CLI the whole-process lines spawn: this build's, or another build's `dist/src/cli/main.js` named by
 * SIGRUN_BENCH_CLI (to measure a before/after pair with the same harness, on the same machine load).
 */
export function benchCli(): string {
  return process.env.SIGRUN_BENCH_CLI ?? fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
}
