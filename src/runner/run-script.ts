import { isSigrunError, SigrunError } from "../core/index.js";
import type { HostContext } from "../host/index.js";
import { closeAll, procFdAvailable } from "../host/index.js";
import type { DecisionRecord, PolicyEngine } from "../policy/index.js";
import { createPolicyEngine, PreparedPolicies, recordingAuthorizer } from "../policy/index.js";
import { DEFAULT_LIMITS, type Limits } from "../script/limits.js";
import { ArgumentDepthError, checkArgDepth, type ScriptArg, scriptArgsFromValue } from "./args.js";
import { type LogLevel, parseLogLevel, ScriptLog } from "./logs.js";
import { Monitoring } from "./monitoring.js";
import { defaultUser } from "./os-user.js";
import { type Explain, normalizeOutput, type RexErrorType, type RexOutput, rexError } from "./output.js";
import { processMetrics } from "./process-metrics.js";

export { defaultUser };

export interface RunScriptOptions {
  /** Rhai script text. */
  script: string;
  /** Cedar policy set text. */
  policy: string;
  /** Rex tagged-JSON script arguments: the file's text, or the parsed object (bigint allowed for longValue). */
  args?: unknown;
  /** Principal name; default the OS user running sigrun (as Rex's `whoami::username()`). */
  user?: string;
  /** Interpreter limits (defaults: the interpreter's DEFAULT_LIMITS) plus the size of the final value. */
  limits?: RunLimits;
  /** Reserved: scripts see absolute paths only, so the working directory does not matter. */
  cwd?: string;
  /** Schema validation errors in the policy fail the run (exit 1) instead of being warnings. */
  strictPolicy?: boolean;
  /** Adds `sigrun_explain` (decision trail, policy warnings, error code) to the output. */
  explain?: boolean;
  /** Log level filter for the `logs` array (Rex's LOG_LEVEL; default INFO). */
  logLevel?: LogLevel;
  /** Cedar schema text; default Rex's schema shipped in `schema/`. */
  schema?: string;
  /** Caller context (bundle mode: the bundle id, the OS user, the effective limits); recorded under `sigrun_explain`. */
  context?: { bundleId?: string; osUser?: string; limits?: Readonly<Record<string, number | undefined>> };
  /** Process monitoring metrics (Rex: on unless REX_RUNNER_DISABLE_MONITORING). Default true. */
  monitoring?: boolean;
  /** Policy sets and schemas this thread already parsed and validated (a warm worker's; see createRunner). */
  prepared?: PreparedPolicies;
}

/** Interpreter limits plus the runner's own cap on the script's final value. */
export type RunLimits = Partial<Limits> & {
  maxOutputBytes?: number;
  /** Bundle-manifest / agent spelling of `maxWallMs`. */
  wallClockMs?: number;
  /** Enforced by the agent's worker heap limit, not here; accepted and ignored. */
  memoryMb?: number;
};

/** Default cap on the script's final value (Rex has none). */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface RunResult {
  output: RexOutput;
  /** Rex's exit code: 0 when the runner worked (even if the script failed), 1 for setup failures. */
  exitCode: 0 | 1;
  /** Every Cedar decision of the run (also in `output.sigrun_explain` with `explain`). */
  decisions: DecisionRecord[];
}

/** What the interpreter bridge returns for one run. */
export type EngineOutcome =
  | { ok: true; output: string }
  | { ok: false; phase: "compile" | "run"; message: string; code?: string };

export interface EngineRunInput {
  script: string;
  args: Map<string, ScriptArg>;
  host: HostContext;
  log: ScriptLog;
  monitoring: Monitoring;
  limits?: Partial<Limits>;
}

function nsSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0);
}

/**
 * Runs a Rhai script under a Cedar policy and returns Rex's output object plus Rex's exit code.
 * Setup failures (bad policy, bad arguments) give status ERROR with exit code 1; script failures,
 * including Cedar denials, give status ERROR with exit code 0.
 */
export async function runRex(opts: RunScriptOptions): Promise<RunResult> {
  const t0 = process.hrtime.bigint();
  const runner = new Monitoring();
  const decisions: DecisionRecord[] = [];
  const explain: Explain = { decisions };
  if (opts.context?.bundleId !== undefined) {
    explain.bundle_id = opts.context.bundleId;
    explain.principal = opts.user ?? defaultUser();
  }
  if (opts.context?.osUser !== undefined) explain.os_user = opts.context.osUser;
  if (opts.context?.limits !== undefined) explain.limits = definedOnly(opts.context.limits);
  const finish = (o: RexOutput, exitCode: 0 | 1): RunResult => {
    runner.addMetric("RexRunnerTotalExecutionTime", nsSince(t0), "TIME", { MetricInfo: "Duration" });
    const out = normalizeOutput({ ...o, metrics: [...(o.metrics ?? []), ...runner.metricList()] });
    if (o.alarms === undefined && runner.alarms.length > 0) out.alarms = runner.alarms;
    if (opts.explain) out.sigrun_explain = explain;
    return { output: normalizeOutput(out), exitCode, decisions };
  };
  const early = (type: RexErrorType, message: string, code: string): RunResult => {
    explain.code = code;
    return finish({ output: "", status: "ERROR", error: rexError(type, message), alarms: runner.alarms }, 1);
  };

  // Arguments: parse failure is an input problem (Rex: COMMUNICATION_EXCEPTION, exit 1).
  let args: Map<string, ScriptArg>;
  try {
    args = scriptArgsFromValue(opts.args);
  } catch (err) {
    return early(
      "COMMUNICATION_EXCEPTION",
      `Failed to load input files: ${(err as Error).message}`,
      codeOf(err),
    );
  }

  // Policy (Rex: INTERNAL_EXCEPTION "Failed to create Rhai engine: …", exit 1).
  let engine: PolicyEngine;
  try {
    engine = createPolicyEngine({
      policy: opts.policy,
      schema: opts.schema,
      strict: opts.strictPolicy,
      prepared: opts.prepared,
    });
  } catch (err) {
    const m = (err as Error).message;
    return early(
      "INTERNAL_EXCEPTION",
      `Failed to create Rhai engine: Failed to parse Cedar policy - check syntax and structure: ${m}`,
      codeOf(err),
    );
  }
  // Validation findings are computed on first read: only a run that reports them pays for validating.
  if (opts.explain) {
    explain.policy = {
      sha256: engine.policyHash,
      ids: [...engine.policyIds],
      warnings: [...engine.warnings],
    };
  }

  try {
    checkArgDepth(args);
  } catch (err) {
    if (err instanceof ArgumentDepthError) {
      runner.addAlarm("RexRunnerScriptArgumentValidationFailure", err.message);
      return early(
        "VALIDATION_EXCEPTION",
        `Script arguments depth validation failed: ${err.message}`,
        "INPUT_INVALID",
      );
    }
    throw err;
  }

  const log = new ScriptLog(opts.logLevel ?? parseLogLevel(process.env.LOG_LEVEL));
  const script = new Monitoring();
  const fds = new Set<number>();
  const recorder = recordingAuthorizer(engine.authorize, decisions);
  const host: HostContext = {
    user: opts.user ?? defaultUser(),
    authorize: recorder,
    log: (level, message) => log.add(level, message),
    fds,
    procFd: procFdAvailable(),
    ...wallDeadline(opts.limits),
  };

  let outcome: EngineOutcome;
  const tRun = process.hrtime.bigint();
  try {
    const { runInEngine } = await import("./engine-bridge.js");
    const { maxOutputBytes: _out, wallClockMs, memoryMb: _mem, ...limits } = opts.limits ?? {};
    if (wallClockMs !== undefined && limits.maxWallMs === undefined) limits.maxWallMs = wallClockMs;
    outcome = runInEngine({ script: opts.script, args, host, log, monitoring: script, limits });
  } catch (err) {
    outcome = { ok: false, phase: "run", message: (err as Error).message, code: codeOf(err) };
  } finally {
    closeAll(fds);
  }
  if (recorder.dropped() > 0) explain.decisions_dropped = recorder.dropped();
  if (outcome.ok || outcome.phase === "run") {
    runner.addMetric("RexRunnerScriptExecutionTime", nsSince(tRun), "TIME", { MetricInfo: "Duration" });
  }
  if (opts.monitoring ?? !/^(true|1)$/i.test(process.env.REX_RUNNER_DISABLE_MONITORING ?? "")) {
    for (const m of processMetrics())
      runner.addMetric(m.name, m.value, m.unit, { MetricInfo: "ProcessMonitoring" });
  }

  const reserved = script.reservedName();
  if (reserved) {
    return early(
      "SCRIPT_EXCEPTION",
      `Script metric validation failed: ${reserved} uses the reserved prefix 'rex'`,
      "INPUT_INVALID",
    );
  }
  for (const a of script.alarms) runner.addAlarm(a.alarm_type, a.alarm_details);
  const scriptMetrics = script.metricList();

  const maxOut = opts.limits?.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (outcome.ok && maxOut > 0 && Buffer.byteLength(outcome.output, "utf8") > maxOut) {
    outcome = {
      ok: false,
      phase: "run",
      message: `Output too large: the script's value exceeds ${maxOut} bytes`,
      code: "LIMIT_EXCEEDED",
    };
  }
  if (outcome.ok) {
    runner.addMetric("RexRunnerScriptExecutionSuccessCount", 1, "COUNT", { MetricInfo: "SuccessCount" });
    return finish(
      {
        output: outcome.output,
        status: "SUCCESS",
        alarms: runner.alarms,
        metrics: scriptMetrics,
        logs: log.toOutput(),
      },
      0,
    );
  }
  if (outcome.code) explain.code = outcome.code;
  if (outcome.phase === "compile") {
    runner.addAlarm("RexRunnerScriptCompilationFailure", `Failed to compile script: ${outcome.message}`);
    runner.addMetric("RexRunnerScriptCompilationFailureCount", 1, "COUNT", { MetricInfo: "FailureCount" });
  }
  const denied = outcome.message.toLowerCase().includes("permission denied");
  runner.addAlarm(
    denied ? "RexRunnerPrivilegeEscalation" : "RexRunnerScriptExecutionFailure",
    `Failed to execute script: ${outcome.message}`,
  );
  runner.addMetric(
    denied ? "RexRunnerPrivilegeEscalationCount" : "RexRunnerScriptExecutionFailureCount",
    1,
    "COUNT",
    {
      MetricInfo: "FailureCount",
    },
  );
  return finish(
    {
      output: "",
      status: "ERROR",
      error: rexError(denied ? "ACCESS_DENIED_EXCEPTION" : "SCRIPT_EXCEPTION", outcome.message),
      alarms: runner.alarms,
      metrics: scriptMetrics,
      logs: log.toOutput(),
    },
    0,
  );
}

/** Library entry point (the agent runs verified bundles through this): Rex's output object. */
export async function runScript(opts: RunScriptOptions): Promise<RexOutput> {
  return (await runRex(opts)).output;
}

/**
 * A `runScript` for a long-lived thread (the agent's warm workers): policy sets and the schema are parsed
 * and validated once per distinct text (keyed by SHA-256) and reused by later runs in this thread. Each
 * run still gets its own policy engine, decision memo, trail and interpreter.
 */
export function createRunner(): (opts: RunScriptOptions) => Promise<RexOutput> {
  const prepared = new PreparedPolicies();
  return (opts) => runScript({ ...opts, prepared: opts.prepared ?? prepared });
}

function codeOf(err: unknown): string {
  return isSigrunError(err) ? err.code : err instanceof SigrunError ? err.code : "INTERNAL";
}

function definedOnly(r: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
  return out;
}

/** The host calls' deadline: the run's wall-clock limit (as the interpreter takes it) from now; 0: none. */
function wallDeadline(limits: RunScriptOptions["limits"]): { deadline?: number } {
  const wall = limits?.maxWallMs ?? limits?.wallClockMs ?? DEFAULT_LIMITS.maxWallMs;
  return wall > 0 ? { deadline: Date.now() + wall } : {};
}
