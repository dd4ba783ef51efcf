import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { type ErrorCode, SigrunError, sha256Hex } from "../core/index.js";
import type { JobStatus } from "./types.js";

const JOB_ID_RE = /^[0-9a-f]{32}$/;
const HEX64_RE = /^[0-9a-f]{64}$/;
const MAX_OUTPUT_FILES = 1000;
/** Most rows one `list` returns. */
export const MAX_LIST = 1000;

export function isJobId(id: string): boolean {
  return JOB_ID_RE.test(id);
}

/** A job row's status: `running` between the run decision and its receipt; the rest as in receipts. */
export type JobRowStatus = "running" | JobStatus;

/** One row of the `jobs` table (docs/spec/agent-state.md). Times are milliseconds since the epoch. */
export interface JobRow {
  readonly id: string;
  readonly status: JobRowStatus;
  readonly transport: string;
  readonly bundleId: string | null;
  readonly submissionSha256: string | null;
  readonly bytes: number;
  readonly queued: number;
  readonly started: number | null;
  readonly finished: number | null;
  readonly errorCode: ErrorCode | null;
  /** Sequence number of the audit entry the receipt cites (finish or reject). */
  readonly auditSeq: number | null;
  /** Digests of stdout/stderr; the bytes are `blobs/<sha256>` files in the state dir. */
  readonly stdoutSha256: string | null;
  readonly stderrSha256: string | null;
  readonly outputs: readonly { name: string; sha256: string }[];
  readonly hasReceipt: boolean;
}

interface RawRow {
  id: string;
  status: JobRowStatus;
  transport: string;
  bundle_id: string | null;
  submission_sha256: string | null;
  bytes: number;
  queued: number;
  started: number | null;
  finished: number | null;
  error_code: ErrorCode | null;
  audit_seq: number | null;
  stdout_sha256: string | null;
  stderr_sha256: string | null;
  outputs: string | null;
  has_receipt: number;
}

const COLUMNS =
  "id, status, transport, bundle_id, submission_sha256, bytes, queued, started, finished, error_code, " +
  "audit_seq, stdout_sha256, stderr_sha256, outputs, receipt IS NOT NULL AS has_receipt";

function toRow(r: RawRow): JobRow {
  return {
    id: r.id,
    status: r.status,
    transport: r.transport,
    bundleId: r.bundle_id,
    submissionSha256: r.submission_sha256,
    bytes: r.bytes,
    queued: r.queued,
    started: r.started,
    finished: r.finished,
    errorCode: r.error_code,
    auditSeq: r.audit_seq,
    stdoutSha256: r.stdout_sha256,
    stderrSha256: r.stderr_sha256,
    outputs: r.outputs ? (JSON.parse(r.outputs) as JobRow["outputs"]) : [],
    hasReceipt: r.has_receipt === 1,
  };
}

/** What a job row starts with: written in the transaction that decides to run or reject it. */
export interface NewJob {
  readonly id: string;
  readonly status: JobRowStatus;
  readonly transport: string;
  readonly bundleId: string | null;
  readonly submissionSha256: string | null;
  readonly bytes: number;
  readonly queued: number;
  readonly started: number | null;
}

/** How a job ended: written with its receipt in one transaction. */
export interface JobEnd {
  readonly status: JobStatus;
  readonly finished: number;
  readonly errorCode: ErrorCode | null;
  readonly auditSeq: number;
  readonly stdoutSha256?: string | null;
  readonly stderrSha256?: string | null;
  readonly outputs?: readonly { name: string; sha256: string }[];
  readonly receipt: Uint8Array;
}

/**
 * Jobs in the `jobs` table of state.db, plus the files that stay files: `work/<job>/` (the run's cwd, whose
 * regular files are the outputs) and `blobs/<sha256>` (stdout, stderr: content-addressed). Reads may come
 * from any connection (a read-only one included); writes happen inside the agent's audit transactions.
 */
export class JobStore {
  private readonly st: Record<"insert" | "end" | "running" | "get" | "receipt" | "interrupt", StatementSync>;

  constructor(
    readonly db: DatabaseSync,
    readonly stateDir: string,
  ) {
    this.st = {
      insert: db.prepare(
        "INSERT INTO jobs (id, status, transport, bundle_id, submission_sha256, bytes, queued, started) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      end: db.prepare(
        "UPDATE jobs SET status = ?, finished = ?, error_code = ?, audit_seq = ?, stdout_sha256 = ?, " +
          "stderr_sha256 = ?, outputs = ?, receipt = ? WHERE id = ?",
      ),
      running: db.prepare("SELECT id, bundle_id FROM jobs WHERE status = 'running'"),
      interrupt: db.prepare(
        "UPDATE jobs SET status = 'interrupted', error_code = 'INTERRUPTED' WHERE id = ?",
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`),
      receipt: db.prepare("SELECT receipt FROM jobs WHERE id = ?"),
    };
  }

  dir(jobId: string): string {
    if (!isJobId(jobId)) throw new SigrunError("INPUT_INVALID", "job id: expected 32 hex digits");
    return join(this.stateDir, "work", jobId);
  }

  /** The run's working directory `work/<job>/` (created). */
  async makeWorkDir(jobId: string): Promise<string> {
    const d = this.dir(jobId);
    await mkdir(d, { recursive: true, mode: 0o700 });
    return d;
  }

  /** Stores bytes as `blobs/<sha256>` (temp name + rename; kept if already there); returns the digest. */
  async putBlob(data: Uint8Array): Promise<string> {
    const sha = sha256Hex(data);
    const dir = join(this.stateDir, "blobs");
    const path = join(dir, sha);
    if (await stat(path).catch(() => undefined)) return sha;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, path);
    return sha;
  }

  blobPath(sha256: string): string {
    if (!HEX64_RE.test(sha256)) throw new SigrunError("INPUT_INVALID", "blob: expected a sha256 hex digest");
    return join(this.stateDir, "blobs", sha256);
  }

  /** Inserts a job row (inside the caller's transaction). */
  insert(j: NewJob): void {
    if (!isJobId(j.id)) throw new SigrunError("INPUT_INVALID", "job id: expected 32 hex digits");
    this.st.insert.run(
      j.id,
      j.status,
      j.transport,
      j.bundleId,
      j.submissionSha256,
      j.bytes,
      j.queued,
      j.started,
    );
  }

  /** Records the end of a job and its receipt (inside the caller's transaction). */
  end(jobId: string, e: JobEnd): void {
    const r = this.st.end.run(
      e.status,
      e.finished,
      e.errorCode,
      e.auditSeq,
      e.stdoutSha256 ?? null,
      e.stderrSha256 ?? null,
      e.outputs ? JSON.stringify(e.outputs) : null,
      e.receipt,
      jobId,
    );
    if (r.changes !== 1) throw new SigrunError("INTERNAL", `job ${jobId}: no row to end`);
  }

  /** Jobs left `running` by a process that died. */
  running(): { id: string; bundleId: string | null }[] {
    return (this.st.running.all() as { id: string; bundle_id: string | null }[]).map((r) => ({
      id: r.id,
      bundleId: r.bundle_id,
    }));
  }

  /** Marks a job that was running at a crash (inside the caller's transaction). */
  interrupt(jobId: string): void {
    this.st.interrupt.run(jobId);
  }

  get(jobId: string): JobRow | undefined {
    if (!isJobId(jobId)) return undefined;
    const r = this.st.get.get(jobId) as RawRow | undefined;
    return r ? toRow(r) : undefined;
  }

  /** The receipt bytes (DSSE envelope JSON + newline) of a job, if it has one. */
  receipt(jobId: string): Uint8Array | undefined {
    if (!isJobId(jobId)) return undefined;
    const r = this.st.receipt.get(jobId) as { receipt: Uint8Array | null } | undefined;
    return r?.receipt ? new Uint8Array(r.receipt) : undefined;
  }

  /** Newest first, optionally by status and `queued >= since`; at most `limit` (≤ MAX_LIST) rows. */
  list(q: { status?: JobRowStatus; since?: number; limit?: number } = {}): JobRow[] {
    return listJobs(this.db, q);
  }

  /** SHA-256 of every regular file the run left in its work dir, by relative path (sorted, capped). */
  hashOutputs(jobId: string): { name: string; sha256: string }[] {
    const base = this.dir(jobId);
    const out: { name: string; sha256: string }[] = [];
    const walk = (d: string, depth: number): void => {
      if (depth > 16 || !existsSync(d)) return;
      for (const name of readdirSync(d).sort()) {
        const p = join(d, name);
        const st = statSync(p, { throwIfNoEntry: false });
        if (!st) continue;
        if (st.isDirectory()) walk(p, depth + 1);
        else if (st.isFile()) {
          if (out.length >= MAX_OUTPUT_FILES)
            throw new SigrunError("LIMIT_EXCEEDED", `outputs: more than ${MAX_OUTPUT_FILES} files`);
          out.push({
            name: relative(base, p).split("\\").join("/"),
            sha256: sha256Hex(readFileSync(p)),
          });
        }
      }
    };
    walk(base, 0);
    return out;
  }

  /** Creates `work/` and `blobs/` (startup). */
  ensureDirs(): void {
    for (const d of ["work", "blobs"]) mkdirSync(join(this.stateDir, d), { recursive: true, mode: 0o700 });
  }
}

/** The job query behind `JobStore.list`, usable on a read-only connection (the jobs API, `sigrun jobs list`). */
export function listJobs(
  db: DatabaseSync,
  q: { status?: JobRowStatus; since?: number; limit?: number; before?: { queued: number; id: string } } = {},
): JobRow[] {
  const limit = Math.min(q.limit ?? 100, MAX_LIST);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new SigrunError("USAGE", "limit: expected 1..1000");
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.status !== undefined) {
    where.push("status = ?");
    args.push(q.status);
  }
  if (q.since !== undefined) {
    where.push("queued >= ?");
    args.push(q.since);
  }
  if (q.before !== undefined) {
    // paging: rows after the last one of the previous page, in (queued DESC, id) order
    where.push("(queued < ? OR (queued = ? AND id > ?))");
    args.push(q.before.queued, q.before.queued, q.before.id);
  }
  const sql = `SELECT ${COLUMNS} FROM jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY queued DESC, id LIMIT ?`;
  return (db.prepare(sql).all(...args, limit) as unknown as RawRow[]).map(toRow);
}
