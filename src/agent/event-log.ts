import type { JobResult } from "./job-ledger.js";

/**
 * One structured line per job event on stderr (`journalctl -u sigrun-agent` tells the story): received,
 * rejected (with its code), started, finished (status, code, duration). Only identifiers, codes, sizes and
 * times: never a secret, never script output or error text (those are in the job's stdout/stderr).
 */
export type JobEvent =
  | { readonly event: "received"; readonly job: string; readonly transport: string; readonly bytes: number }
  | {
      readonly event: "rejected";
      readonly job: string;
      readonly transport: string;
      readonly code: string;
      readonly bundle: string | null;
    }
  | { readonly event: "started"; readonly job: string; readonly bundle: string; readonly signer: string }
  | {
      readonly event: "finished";
      readonly job: string;
      readonly bundle: string | null;
      readonly status: string;
      readonly code: string | null;
      readonly durationMs: number;
    };

/** The event that ends a job: `rejected` when it never started (its receipt has no start time), else `finished`. */
export function jobEndEvent(transport: string, r: JobResult): JobEvent {
  const t = r.statement.predicate.times;
  if (t.started === null)
    return { event: "rejected", job: r.jobId, transport, code: r.errorCode ?? "UNKNOWN", bundle: r.bundleId };
  return {
    event: "finished",
    job: r.jobId,
    bundle: r.bundleId,
    status: r.status,
    code: r.errorCode,
    durationMs: Date.parse(t.finished) - Date.parse(t.started),
  };
}

export type LogFormat = "json" | "text";

/** Values are identifiers and codes; anything else is quoted so a line stays one line. */
function textValue(v: unknown): string {
  const s = String(v);
  return /^[A-Za-z0-9_.:@/+-]+$/.test(s) ? s : JSON.stringify(s);
}

/** Formats one event as a line (JSON with `time` first, or `time event key=value …`). */
export function formatEvent(e: JobEvent, format: LogFormat, now: number): string {
  const time = new Date(now).toISOString();
  if (format === "json") return `${JSON.stringify({ time, ...e })}\n`;
  const { event, ...rest } = e;
  const kv = Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${textValue(v)}`)
    .join(" ");
  return `${time} ${event} ${kv}\n`;
}

/** A sink writing event lines to `out` (default stderr). */
export function eventLogger(
  format: LogFormat,
  out: { write(s: string): unknown } = process.stderr,
  now: () => number = Date.now,
): (e: JobEvent) => void {
  return (e) => {
    out.write(formatEvent(e, format, now()));
  };
}
