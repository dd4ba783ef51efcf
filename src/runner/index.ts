export type { ScriptArg } from "./args.js";
export { checkArgDepth, MAX_ARG_DEPTH, parseScriptArgs, scriptArgsFromValue } from "./args.js";
export type { BundleInvocation, BundleInvocationOptions } from "./bundle-invocation.js";
export { bundleInvocation, bundlePrincipal } from "./bundle-invocation.js";
export type { EffectiveLimits, LimitCeilings, RequestedLimits } from "./bundle-limits.js";
export { checkCeilings, DEFAULT_CEILINGS, effectiveLimits } from "./bundle-limits.js";
export { checkBundleSources } from "./check-sources.js";
export { JsonNumber, parseLosslessJson } from "./json-lossless.js";
export type { LogLevel } from "./logs.js";
export { MAX_LOG_ENTRIES, MAX_LOG_MESSAGE_CHARS, ScriptLog } from "./logs.js";
export { Monitoring } from "./monitoring.js";
export type {
  Explain,
  MetricUnit,
  OutputFormat,
  RexAlarm,
  RexErrorType,
  RexLogEntry,
  RexMetric,
  RexOutput,
  RexStatus,
} from "./output.js";
export { MAX_MESSAGE_CHARS, renderOutput, truncateMessage } from "./output.js";
export type { RunBundleOptions } from "./run-bundle.js";
export { createBundleRunner, runBundle, runnerLimits } from "./run-bundle.js";
export type { IsolatedRunOptions } from "./run-isolated.js";
export { DEFAULT_RUN_MEMORY_MB, runBundleIsolated, runRexIsolated } from "./run-isolated.js";
export type { EngineOutcome, EngineRunInput, RunResult, RunScriptOptions } from "./run-script.js";
export { createRunner, defaultUser, runRex, runScript } from "./run-script.js";
