import { PreparedPolicies } from "../policy/index.js";
import type { BundleInvocation } from "./bundle-invocation.js";
import type { EffectiveLimits } from "./bundle-limits.js";
import type { LogLevel } from "./logs.js";
import type { RunLimits, RunResult } from "./run-script.js";
import { runRex } from "./run-script.js";

/** What the caller of a bundle run chooses; everything that decides the run is in the invocation. */
export interface RunBundleOptions {
  /** Rex tagged-JSON script arguments (sealed jobs: inputs_dir, outputs_dir; `run -a`). */
  readonly args?: unknown;
  /** Reserved: scripts see absolute paths only (the agent passes the job's work dir). */
  readonly cwd?: string;
  /** Adds `sigrun_explain` (the agent always asks for it: the receipt's error code comes from it). */
  readonly explain?: boolean;
  /** Policy findings against the schema fail the run (`run --strict-policy`). */
  readonly strictPolicy?: boolean;
  /** Process metrics (default: on unless REX_RUNNER_DISABLE_MONITORING). */
  readonly monitoring?: boolean;
  readonly logLevel?: LogLevel;
  /** A warm thread's parsed policy sets (createBundleRunner). */
  readonly prepared?: PreparedPolicies;
}

/** The interpreter's spelling of the effective limits (`wallClockMs` → `maxWallMs`; memory stays with the thread). */
export function runnerLimits(l: EffectiveLimits): RunLimits {
  const { wallClockMs, memoryMb: _heap, ...rest } = l;
  return { ...rest, maxWallMs: wallClockMs };
}

/**
 * Runs a prepared bundle (`bundleInvocation`) in the calling thread: its script under its policy, as its
 * signer, with its effective limits, and returns Rex's output object (`sigrun_explain` records the bundle
 * id, principal, OS user and limits). `sigrun run job.sgb` calls it in a worker thread with the heap
 * limit `limits.memoryMb` (`runBundleIsolated`), the agent in its pool's workers (run-worker.ts).
 */
export function runBundle(inv: BundleInvocation, opts: RunBundleOptions = {}): Promise<RunResult> {
  return runRex({
    script: inv.script,
    policy: inv.policy,
    user: inv.principal,
    context: { bundleId: inv.context.bundleId, osUser: inv.context.osUser, limits: inv.limits },
    limits: runnerLimits(inv.limits),
    args: opts.args,
    cwd: opts.cwd,
    explain: opts.explain,
    strictPolicy: opts.strictPolicy,
    monitoring: opts.monitoring,
    logLevel: opts.logLevel,
    prepared: opts.prepared,
  });
}

/**
 * `runBundle` for a long-lived thread (the agent's warm workers): policy sets and the schema are parsed
 * and validated once per distinct text and reused by later runs in this thread (see createRunner).
 */
export function createBundleRunner(): (inv: BundleInvocation, opts?: RunBundleOptions) => Promise<RunResult> {
  const prepared = new PreparedPolicies();
  return (inv, opts = {}) => runBundle(inv, { ...opts, prepared: opts.prepared ?? prepared });
}
