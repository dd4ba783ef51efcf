import type { DecisionRecord } from "../policy/index.js";

export type RexStatus = "SUCCESS" | "ERROR";
export type RexErrorType =
  | "VALIDATION_EXCEPTION"
  | "ACCESS_DENIED_EXCEPTION"
  | "INTERNAL_EXCEPTION"
  | "SCRIPT_EXCEPTION"
  | "COMMUNICATION_EXCEPTION";
export type MetricUnit = "UNDEFINED" | "COUNT" | "TIME" | "MEGABYTES" | "PERCENT";

export interface RexAlarm {
  alarm_type: string;
  alarm_details?: string;
}

export interface RexMetric {
  metric_name: string;
  metric_value: number;
  metric_unit: MetricUnit;
  metric_dimension: Record<string, string>;
  metric_timestamp: string;
}

export interface RexLogEntry {
  attributes: Record<string, string>;
}

/** What `--explain` adds, under the single member `sigrun_explain` (Rex consumers ignore it). */
export interface Explain {
  /** Every Cedar request of the run, allow and deny, in order. */
  decisions: DecisionRecord[];
  decisions_dropped?: number;
  policy?: { sha256: string; ids: string[]; warnings: string[] };
  /** A sigrun error code when the run stopped on one (limit hit, engine failure …). */
  code?: string;
  /** Bundle mode: the effective limits (docs/spec/runner.md §10). */
  limits?: Record<string, number>;
  /** The bundle this run came from (agent runs). */
  bundle_id?: string;
  /** Bundle mode: the Cedar principal (the signer's key id) and the OS user the run had (docs/spec/runner.md §9). */
  principal?: string;
  os_user?: string;
}

/** Rex's output object, members in Rex's order; `sigrun_explain` only with --explain. */
export interface RexOutput {
  output: string;
  status: RexStatus;
  error?: { error_type: RexErrorType; message: string };
  alarms?: RexAlarm[];
  metrics?: RexMetric[];
  logs?: RexLogEntry[];
  sigrun_explain?: Explain;
}

/** Rex's `MAX_MESSAGE_LENGTH`: longer messages are cut to 1021 characters plus "...". */
export const MAX_MESSAGE_CHARS = 1024;

export function truncateMessage(message: string): string {
  const chars = [...message];
  if (chars.length <= MAX_MESSAGE_CHARS) return message;
  return `${chars.slice(0, MAX_MESSAGE_CHARS - 3).join("")}...`;
}

export function rexError(errorType: RexErrorType, message: string): RexOutput["error"] {
  return { error_type: errorType, message: truncateMessage(message) };
}

/** Puts the members in Rex's order and drops absent ones. */
export function normalizeOutput(o: RexOutput): RexOutput {
  const out: RexOutput = { output: o.output, status: o.status };
  if (o.error) out.error = o.error;
  if (o.alarms && o.alarms.length > 0) out.alarms = o.alarms;
  if (o.metrics && o.metrics.length > 0) out.metrics = o.metrics;
  if (o.logs) out.logs = o.logs;
  if (o.sigrun_explain) out.sigrun_explain = o.sigrun_explain;
  return out;
}

export type OutputFormat = "json" | "pretty-json" | "human";

/**
 * Renders the result as Rex does: `json` one line without a trailing newline; `pretty-json` indented;
 * `human`: output (+ newline) on stdout on success, `error: <message>` on stderr on error; with
 * `verbose`, logs first as `[LEVEL] message` and a metrics summary after.
 */
export function renderOutput(
  o: RexOutput,
  format: OutputFormat,
  verbose: boolean,
): { stdout: string; stderr: string } {
  if (format === "json") return { stdout: JSON.stringify(o), stderr: "" };
  if (format === "pretty-json") return { stdout: JSON.stringify(o, null, 2), stderr: "" };
  let stdout = "";
  let stderr = "";
  if (verbose) {
    for (const l of o.logs ?? []) stdout += `[${l.attributes.level ?? ""}] ${l.attributes.message ?? ""}\n`;
  }
  if (o.status === "SUCCESS") {
    if (o.output !== "") stdout += `${o.output}\n`;
  } else {
    stderr += `error: ${o.error?.message ?? ""}\n`;
  }
  if (verbose && o.metrics && o.metrics.length > 0) {
    stdout += "--- metrics ---\n";
    for (const m of o.metrics) stdout += `${m.metric_name}: ${m.metric_value}\n`;
  }
  return { stdout, stderr };
}
