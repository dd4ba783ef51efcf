// The client's job ledger (SQLite, `$XDG_CONFIG_HOME/sigrun/jobs.sqlite`): every sealed job it issued,
// pending until a verified receipt closes it. A receipt is accepted only for a pending job whose nonce
// and job digest it names, and closes it exactly once (a conditional update), so an old or replayed
// receipt is refused.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { SigrunError } from "../core/index.js";

export type LedgerState = "pending" | "closed" | "failed";

export interface LedgerEntry {
  readonly jobDigest: string;
  readonly nonce: string;
  readonly host: string;
  readonly state: LedgerState;
  readonly created: string;
  readonly closed: string | null;
  /** JSON: the input blob refs sent (bundle, manifest, input/N). */
  readonly inputs: string;
  readonly receiptSha256: string | null;
  readonly error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  job_digest TEXT PRIMARY KEY CHECK (length(job_digest) = 64),
  nonce TEXT NOT NULL UNIQUE,
  host TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'closed', 'failed')),
  created TEXT NOT NULL,
  closed TEXT,
  inputs TEXT NOT NULL,
  receipt_sha256 TEXT,
  error TEXT
) STRICT;
`;

export class JobLedger {
  private constructor(private readonly db: DatabaseSync) {}

  static open(path: string): JobLedger {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const db = new DatabaseSync(path);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    db.exec(SCHEMA);
    return new JobLedger(db);
  }

  add(e: { jobDigest: string; nonce: string; host: string; inputs: unknown }): void {
    this.db
      .prepare(
        "INSERT INTO jobs (job_digest, nonce, host, state, created, inputs) VALUES (?, ?, ?, 'pending', ?, ?)",
      )
      .run(e.jobDigest, e.nonce, e.host, new Date().toISOString(), JSON.stringify(e.inputs));
  }

  get(jobDigest: string): LedgerEntry | undefined {
    const row = this.db.prepare("SELECT * FROM jobs WHERE job_digest = ?").get(jobDigest) as
      | Record<string, unknown>
      | undefined;
    return row ? toEntry(row) : undefined;
  }

  /** The pending job a receipt names; REPLAY when its job is closed, failed, unknown or mismatched. */
  openEntry(nonce: string, jobDigest: string): LedgerEntry {
    const row = this.db.prepare("SELECT * FROM jobs WHERE nonce = ?").get(nonce) as
      | Record<string, unknown>
      | undefined;
    if (!row) throw new SigrunError("REPLAY", "receipt: no job with this nonce was issued");
    const e = toEntry(row);
    if (e.jobDigest !== jobDigest)
      throw new SigrunError("REPLAY", "receipt: the nonce belongs to another job");
    if (e.state !== "pending")
      throw new SigrunError("REPLAY", `receipt: job ${jobDigest.slice(0, 16)} is already ${e.state}`);
    return e;
  }

  /** pending → closed, once. */
  close(jobDigest: string, receiptSha256: string): void {
    const r = this.db
      .prepare(
        "UPDATE jobs SET state = 'closed', closed = ?, receipt_sha256 = ? WHERE job_digest = ? AND state = 'pending'",
      )
      .run(new Date().toISOString(), receiptSha256, jobDigest);
    if (Number(r.changes) !== 1) throw new SigrunError("REPLAY", "receipt: the job was closed meanwhile");
  }

  /** pending → failed (the job will never accept a receipt). */
  fail(jobDigest: string, code: string): void {
    this.db
      .prepare(
        "UPDATE jobs SET state = 'failed', closed = ?, error = ? WHERE job_digest = ? AND state = 'pending'",
      )
      .run(new Date().toISOString(), code, jobDigest);
  }

  list(limit = 100): LedgerEntry[] {
    return (
      this.db.prepare("SELECT * FROM jobs ORDER BY created DESC LIMIT ?").all(limit) as Record<
        string,
        unknown
      >[]
    ).map(toEntry);
  }

  dispose(): void {
    this.db.close();
  }
}

function toEntry(r: Record<string, unknown>): LedgerEntry {
  return {
    jobDigest: String(r.job_digest),
    nonce: String(r.nonce),
    host: String(r.host),
    state: r.state as LedgerState,
    created: String(r.created),
    closed: (r.closed as string | null) ?? null,
    inputs: String(r.inputs),
    receiptSha256: (r.receipt_sha256 as string | null) ?? null,
    error: (r.error as string | null) ?? null,
  };
}
