import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { SigrunError, sha256Hex } from "../core/index.js";
import { isJobId, type JobRow, type JobRowStatus, listJobs } from "./job-store.js";

/** Job queries behind `GET /jobs…` and `sigrun jobs … --state DIR` (docs/spec/agent-state.md §5). */

const STATUSES: readonly JobRowStatus[] = ["running", "succeeded", "failed", "rejected", "interrupted"];
/** Largest stdout/stderr/output file served (bigger ones: LIMIT_EXCEEDED). */
export const MAX_FETCH_BYTES = 64 * 1024 * 1024;

export interface JobsQuery {
  readonly status?: JobRowStatus;
  readonly since?: number;
  readonly limit?: number;
  /** Opaque cursor from the previous page's `next`. */
  readonly cursor?: string;
}

export interface JobsPage {
  readonly jobs: JobRow[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly next: string | null;
}

/** Parses `?status=&since=&limit=&cursor=` (strict: unknown status, bad numbers → USAGE). */
export function parseJobsQuery(p: URLSearchParams | Record<string, string | undefined>): JobsQuery {
  const get = (k: string): string | undefined =>
    p instanceof URLSearchParams ? (p.get(k) ?? undefined) : p[k];
  const status = get("status");
  if (status !== undefined && !STATUSES.includes(status as JobRowStatus))
    throw new SigrunError("USAGE", `status: expected one of ${STATUSES.join(", ")}`);
  const since = get("since");
  let sinceMs: number | undefined;
  if (since !== undefined) {
    sinceMs = /^\d{1,15}$/.test(since) ? Number(since) : Date.parse(since);
    if (!Number.isFinite(sinceMs))
      throw new SigrunError("USAGE", "since: expected RFC 3339 or milliseconds since the epoch");
  }
  const limit = get("limit");
  if (limit !== undefined && !/^[1-9]\d{0,3}$/.test(limit))
    throw new SigrunError("USAGE", "limit: expected 1..1000");
  const cursor = get("cursor");
  if (cursor !== undefined && !/^\d{1,15}-[0-9a-f]{32}$/.test(cursor))
    throw new SigrunError("USAGE", "cursor: not one this agent gave");
  return {
    status: status as JobRowStatus | undefined,
    since: sinceMs,
    limit: limit === undefined ? undefined : Math.min(Number(limit), 1000),
    cursor,
  };
}

/** One page of jobs, newest first. */
export function jobsPage(db: DatabaseSync, q: JobsQuery): JobsPage {
  const limit = q.limit ?? 100;
  let before: { queued: number; id: string } | undefined;
  if (q.cursor !== undefined) {
    const [queued, id] = q.cursor.split("-");
    before = { queued: Number(queued), id: id! };
  }
  const rows = listJobs(db, { status: q.status, since: q.since, limit: limit + 1, before });
  const jobs = rows.slice(0, limit);
  const last = jobs[jobs.length - 1];
  return { jobs, next: rows.length > limit && last ? `${last.queued}-${last.id}` : null };
}

/** Largest `GET /jobs` body: a page that would be larger ends early (its `next` continues after it). */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * A page as the API's JSON `{jobs, next}`, cut before the row that would take it past `maxBytes` (at least
 * one row is kept; a row is bounded by the receipt's caps), with `next` then pointing past the last row kept.
 */
export function jobsPageJson(
  page: JobsPage,
  maxBytes = MAX_PAGE_BYTES,
): { jobs: Record<string, unknown>[]; next: string | null } {
  const jobs: Record<string, unknown>[] = [];
  let size = 0;
  let prev: JobRow | undefined;
  for (const r of page.jobs) {
    const j = jobJson(r);
    size += Buffer.byteLength(JSON.stringify(j)) + 1;
    if (size > maxBytes && prev !== undefined) return { jobs, next: `${prev.queued}-${prev.id}` };
    jobs.push(j);
    prev = r;
  }
  return { jobs, next: page.next };
}

/** A job row as JSON for the API (times RFC 3339). */
export function jobJson(r: JobRow): Record<string, unknown> {
  const t = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: r.id,
    status: r.status,
    transport: r.transport,
    bundle: r.bundleId,
    bytes: r.bytes,
    queued: t(r.queued),
    started: t(r.started),
    finished: t(r.finished),
    durationMs: r.started !== null && r.finished !== null ? r.finished - r.started : null,
    error: r.errorCode,
    auditSeq: r.auditSeq,
    stdoutSha256: r.stdoutSha256,
    stderrSha256: r.stderrSha256,
    outputs: r.outputs,
    hasReceipt: r.hasReceipt,
  };
}

const GET_ROW_SQL =
  "SELECT id, status, transport, bundle_id, submission_sha256, bytes, queued, started, finished, error_code, " +
  "audit_seq, stdout_sha256, stderr_sha256, outputs, receipt IS NOT NULL AS has_receipt FROM jobs WHERE id = ?";

/** The job row, or NOT_FOUND. */
export function getJob(db: DatabaseSync, jobId: string): JobRow {
  if (!isJobId(jobId)) throw new SigrunError("USAGE", "job id: expected 32 hex digits");
  const r = db.prepare(GET_ROW_SQL).get(jobId) as Record<string, unknown> | undefined;
  if (r === undefined) throw new SigrunError("JOB_NOT_FOUND", `job ${jobId}: no such job`);
  return {
    id: r.id as string,
    status: r.status as JobRowStatus,
    transport: r.transport as string,
    bundleId: r.bundle_id as string | null,
    submissionSha256: r.submission_sha256 as string | null,
    bytes: Number(r.bytes),
    queued: Number(r.queued),
    started: r.started === null ? null : Number(r.started),
    finished: r.finished === null ? null : Number(r.finished),
    errorCode: r.error_code as JobRow["errorCode"],
    auditSeq: r.audit_seq === null ? null : Number(r.audit_seq),
    stdoutSha256: r.stdout_sha256 as string | null,
    stderrSha256: r.stderr_sha256 as string | null,
    outputs: r.outputs ? (JSON.parse(r.outputs as string) as JobRow["outputs"]) : [],
    hasReceipt: Number(r.has_receipt) === 1,
  };
}

/** The receipt bytes of a finished job (NOT_FOUND while it runs). */
export function jobReceipt(db: DatabaseSync, jobId: string): Uint8Array {
  getJob(db, jobId);
  const r = db.prepare("SELECT receipt FROM jobs WHERE id = ?").get(jobId) as { receipt: Uint8Array | null };
  if (!r.receipt) throw new SigrunError("JOB_NOT_FOUND", `job ${jobId}: no receipt yet (running)`);
  return new Uint8Array(r.receipt);
}

/** stdout or stderr of a job, read from `blobs/<sha256>` and checked against the digest in its row. */
export function jobLog(
  db: DatabaseSync,
  stateDir: string,
  jobId: string,
  which: "stdout" | "stderr",
): Uint8Array {
  const row = getJob(db, jobId);
  const sha = which === "stdout" ? row.stdoutSha256 : row.stderrSha256;
  if (sha === null) throw new SigrunError("JOB_NOT_FOUND", `job ${jobId}: no ${which} (the job did not run)`);
  return readChecked(join(stateDir, "blobs", sha), sha, `job ${jobId} ${which}`);
}

/**
 * One output file of a job: only a name its row (and receipt) lists, read without following a symlink in
 * its last component, and checked against the recorded digest (a file changed since is INTEGRITY refused).
 */
export function jobOutput(db: DatabaseSync, stateDir: string, jobId: string, name: string): Uint8Array {
  const row = getJob(db, jobId);
  const o = row.outputs.find((x) => x.name === name);
  if (o === undefined)
    throw new SigrunError("JOB_NOT_FOUND", `job ${jobId}: no output named ${JSON.stringify(name)}`);
  if (name.split("/").some((s) => s === "" || s === "." || s === ".."))
    throw new SigrunError("INPUT_INVALID", `job ${jobId}: bad output name`);
  return readChecked(join(stateDir, "work", jobId, name), o.sha256, `job ${jobId} output ${name}`);
}

function readChecked(path: string, sha256: string, what: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw new SigrunError("JOB_NOT_FOUND", `${what}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SigrunError("INPUT_INVALID", `${what}: not a regular file`);
    if (st.size > MAX_FETCH_BYTES)
      throw new SigrunError("LIMIT_EXCEEDED", `${what}: larger than ${MAX_FETCH_BYTES} bytes`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    const data = buf.subarray(0, off);
    if (sha256Hex(data) !== sha256)
      throw new SigrunError("DIGEST_MISMATCH", `${what}: changed since the job finished (digest differs)`);
    return new Uint8Array(data);
  } finally {
    closeSync(fd);
  }
}
