import { setLongTimeout } from "../core/long-timeout.js";
import { DEFAULT_LIMITS } from "../script/limits.js";
import type { BundleInvocation } from "./bundle-invocation.js";
import { Monitoring } from "./monitoring.js";
import { normalizeOutput, rexError } from "./output.js";
import {
  DEFAULT_RUN_MEMORY_MB,
  type PrestartedRexThread,
  type RexJob,
  startRexThread,
} from "./rex-thread.js";
import type { RunBundleOptions } from "./run-bundle.js";
import type { RunResult, RunScriptOptions } from "./run-script.js";

export { DEFAULT_RUN_MEMORY_MB } from "./rex-thread.js";

/**
 * Grace after the script's wall-clock limit (counted from when the thread has loaded the runner) before
 * the thread is terminated. The interpreter enforces the limit itself between operations; this catches
 * JavaScript that does not return to it. (A synchronous system call cannot be interrupted this way: host
 * calls that wait — a child process, a request — wait at most until the run's deadline, HostContext.deadline.)
 */
const WALL_GRACE_MS = 5000;

/** Longest delay setTimeout takes: a longer one fires at once (a TimeoutOverflowWarning). */

export interface IsolatedRunOptions extends Omit<RunScriptOptions, "prepared"> {
  /** V8 heap limit (old generation) of the script's thread; default DEFAULT_RUN_MEMORY_MB. */
  readonly memoryMb?: number;
  /** A thread started earlier; used if its heap limit is the run's, else ended (see PrestartedRexThread). */
  readonly thread?: PrestartedRexThread;
}

/**
 * `runRex` in a worker thread with a V8 heap limit, as the agent runs scripts: a script that allocates
 * past the limit ends the thread, not the process, and the run ends with Rex's output object carrying a
 * clean limit error (exit code 0: the runner worked). A thread still busy WALL_GRACE_MS after the run's
 * wall-clock limit (e.g. inside a host call) is terminated the same way: the limit given, else the
 * interpreter's default (DEFAULT_LIMITS.maxWallMs), so a run without `--max-wall-ms` is bounded too
 * (0 = no limit, as for the interpreter).
 */
export function runRexIsolated(opts: IsolatedRunOptions): Promise<RunResult> {
  const { memoryMb = DEFAULT_RUN_MEMORY_MB, thread, ...run } = opts;
  const wallMs = opts.limits?.maxWallMs ?? opts.limits?.wallClockMs ?? DEFAULT_LIMITS.maxWallMs;
  return isolate({ opts: run as RunScriptOptions }, memoryMb, wallMs, opts.explain === true, thread);
}

/**
 * `runBundle` in a worker thread whose heap is the invocation's `limits.memoryMb`, with the same
 * wall-clock backstop as runRexIsolated (`sigrun run job.sgb --trust …`).
 */
export function runBundleIsolated(
  inv: BundleInvocation,
  opts: Omit<RunBundleOptions, "prepared"> = {},
): Promise<RunResult> {
  return isolate({ bundle: inv, opts }, inv.limits.memoryMb, inv.limits.wallClockMs, opts.explain === true);
}

function isolate(
  job: RexJob,
  memoryMb: number,
  wallMs: number | undefined,
  explain: boolean,
  thread?: PrestartedRexThread,
): Promise<RunResult> {
  const worker = thread?.take(memoryMb, job) ?? startRexThread(memoryMb, job);
  return new Promise<RunResult>((resolve) => {
    let done = false;
    const finish = (r: RunResult): void => {
      if (done) return;
      done = true;
      cancelTimer();
      void worker.terminate();
      resolve(r);
    };
    const limit = (message: string): RunResult => limitResult(message, explain);
    let cancelTimer = (): void => undefined;
    worker.on("message", (m: { started?: true; ok?: boolean; result?: RunResult; message?: string }) => {
      if (m.started) {
        if (wallMs !== undefined && wallMs > 0) {
          // --max-wall-ms takes up to 15 digits: past setTimeout's range (setLongTimeout)
          cancelTimer = setLongTimeout(
            () => finish(limit(`Script terminated: wall-clock limit of ${wallMs} ms exceeded`)),
            wallMs + WALL_GRACE_MS,
          );
        }
        return;
      }
      if (m.ok) finish(m.result!);
      else finish(failure(`Runner failed: ${m.message ?? "unknown error"}`, explain));
    });
    worker.on("error", (err: Error & { code?: string }) => {
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY")
        finish(limit(`Out of memory: the script used more than its memory limit of ${memoryMb} MiB`));
      else finish(failure(`Runner failed: ${err.message}`, explain));
    });
    worker.on("exit", (code) => finish(failure(`Runner failed: script thread exited with ${code}`, explain)));
  });
}

function errorResult(message: string, code: string, explain: boolean): RunResult {
  const runner = new Monitoring();
  runner.addAlarm("RexRunnerScriptExecutionFailure", `Failed to execute script: ${message}`);
  runner.addMetric("RexRunnerScriptExecutionFailureCount", 1, "COUNT", { MetricInfo: "FailureCount" });
  const output = normalizeOutput({
    output: "",
    status: "ERROR",
    error: rexError("SCRIPT_EXCEPTION", message),
    alarms: runner.alarms,
    metrics: runner.metricList(),
    logs: [],
    ...(explain ? { sigrun_explain: { decisions: [], code } } : {}),
  });
  return { output, exitCode: 0, decisions: [] };
}

const limitResult = (message: string, explain: boolean) => errorResult(message, "LIMIT_EXCEEDED", explain);
const failure = (message: string, explain: boolean) => errorResult(message, "INTERNAL", explain);
