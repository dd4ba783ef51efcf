import type { ReceiptStatement } from "../receipt.js";

/** Version of the `sigrun submit --wait --json` document (docs/cli.md, "submit"). */
export const SUBMIT_OUTCOME_VERSION = 1;

/** Where a job's stdout, stderr and outputs can be fetched: an agent URL or (queues) its host's state dir. */
export interface FetchHint {
  readonly to?: string;
  /** With `to`: the credential files the caller used (`--token-file`, `--ca`, `--cert`, `--key`): paths,
   * never secrets, so the printed commands work as printed against an agent that wants them. */
  readonly auth?: {
    readonly tokenFile?: string;
    readonly ca?: string;
    readonly cert?: string;
    readonly key?: string;
  };
}

/** A path as one shell word (quoted when it holds anything but safe characters). */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** One job's outcome as `submit --wait` reports it: the receipt's summary plus where to fetch the rest. */
export interface JobOutcome {
  readonly host: string;
  readonly job: string;
  readonly status: string;
  /** The error code, or null on success. */
  readonly error: string | null;
  readonly message: string | null;
  readonly errorType: string | null;
  readonly result: string | null;
  readonly resultTruncated: boolean;
  readonly bundle: string | null;
  readonly queued: string;
  readonly started: string | null;
  readonly finished: string;
  /** finished − started (or − queued when nothing ran), in milliseconds. */
  readonly durationMs: number;
  readonly outputs: string[];
  readonly auditSeq: number;
  /** CLI commands that fetch stdout, stderr and outputs. */
  readonly fetch: { readonly stdout: string; readonly stderr: string; readonly outputs: string };
}

/** Summarizes a receipt statement for display (`submit --wait`, `sigrun jobs show`). */
export function jobOutcome(st: ReceiptStatement, hint: FetchHint = {}): JobOutcome {
  const p = st.predicate;
  const from = Date.parse(p.times.started ?? p.times.queued);
  const a = hint.auth ?? {};
  const creds = (
    [
      ["--token-file", a.tokenFile],
      ["--ca", a.ca],
      ["--cert", a.cert],
      ["--key", a.key],
    ] as const
  )
    .filter(([, v]) => v !== undefined)
    .map(([f, v]) => ` ${f} ${shellWord(v!)}`)
    .join("");
  const where = hint.to ? `--to ${hint.to}${creds}` : `--state <state dir of ${p.host.id}>`;
  return {
    host: p.host.id,
    job: p.job.id,
    status: p.status,
    error: p.error?.code ?? null,
    message: p.error?.message ?? null,
    errorType: p.error?.type ?? null,
    result: p.result?.value ?? null,
    resultTruncated: p.result?.truncated ?? false,
    bundle: p.bundle?.id ?? null,
    queued: p.times.queued,
    started: p.times.started,
    finished: p.times.finished,
    durationMs: Math.max(0, Date.parse(p.times.finished) - from),
    outputs: st.subject.filter((s) => s.name.startsWith("outputs/")).map((s) => s.name.slice(8)),
    auditSeq: p.audit.seq,
    fetch: {
      stdout: `sigrun jobs logs ${p.job.id} ${where}`,
      stderr: `sigrun jobs logs ${p.job.id} --stderr ${where}`,
      outputs: `sigrun jobs outputs ${p.job.id} ${where} -o DIR`,
    },
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Human-readable summary of one outcome (several lines, each ending in a newline). */
export function formatOutcome(o: JobOutcome, exitCode: number): string {
  const lines = [`job ${o.job} on ${o.host}: ${o.status} (exit ${exitCode}) in ${seconds(o.durationMs)}`];
  if (o.error !== null) lines.push(`  error:    ${o.error}${o.message ? `: ${oneLine(o.message)}` : ""}`);
  if (o.result !== null && o.result !== "")
    lines.push(`  result:   ${oneLine(o.result)}${o.resultTruncated ? " (truncated)" : ""}`);
  if (o.started !== null) {
    lines.push(`  stdout:   ${o.fetch.stdout}`);
    lines.push(`  stderr:   ${o.fetch.stderr}`);
    if (o.outputs.length > 0) lines.push(`  outputs:  ${o.outputs.join(", ")}: ${o.fetch.outputs}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Control characters (terminal escapes, line breaks, bidi overrides) shown as \uXXXX; quotes kept as
 * they are (the line is read by a person, not parsed); long text cut. */
function oneLine(s: string): string {
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/g, (c) =>
    c === "\\" ? "\\\\" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return t.length > 200 ? `${t.slice(0, 197)}...` : t;
}
