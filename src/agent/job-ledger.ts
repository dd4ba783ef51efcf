import type { AuditTx } from "../audit/index.js";
import type { VerifiedBundle } from "../bundle/index.js";
import { type ErrorCode, SigrunError, sha256Hex } from "../core/index.js";
import type { JobEnd, JobRowStatus, JobStore, NewJob } from "./job-store.js";
import type { ReceiptStatement } from "./receipt.js";
import type { ReplayStore } from "./replay-store.js";
import type { JobStatus, Submission } from "./types.js";

/** What the pipeline hands back for one submission: its status and the signed receipt. */
export interface JobResult {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly errorCode: ErrorCode | null;
  readonly bundleId: string | null;
  /** The signed receipt: DSSE envelope bytes (JSON + newline). */
  readonly receipt: Uint8Array;
  readonly statement: ReceiptStatement;
}

/** One submission as received. */
export interface JobContext {
  readonly jobId: string;
  readonly sub: Submission;
  readonly queued: number;
  /** SHA-256 of the submission, null when it was too large to read. */
  readonly digest: string | null;
}

export interface Rejection {
  readonly code: ErrorCode;
  readonly status: JobStatus;
  readonly why: string;
}

/** A signed receipt and the result that carries it. */
export interface Sealed {
  readonly receipt: Uint8Array;
  readonly finished: number;
  readonly result: JobResult;
}

/** How a run ended, as the job row records it (the audit seq and the receipt are added here). */
export type RunEnd = Omit<JobEnd, "auditSeq" | "receipt">;

/**
 * What one job writes inside an audit transaction, in order: the job row, the audit entries (intake, run,
 * finish or reject, receipt) and the replay mark. Each receipt cites its finish or reject entry; a
 * mismatch aborts the transaction (docs/spec/agent-state.md, docs/spec/audit-log.md).
 */
export class JobLedger {
  constructor(
    private readonly jobs: JobStore,
    private readonly replay: ReplayStore,
  ) {}

  intake(tx: AuditTx, ctx: JobContext): void {
    tx.append("intake", {
      job: ctx.jobId,
      transport: ctx.sub.transport,
      bytes: ctx.sub.bytes.byteLength,
      sha256: ctx.digest,
    });
  }

  /** The bundle is marked running (replay) and its job row inserted before the worker gets it. */
  startRun(tx: AuditTx, ctx: JobContext, bundle: VerifiedBundle, exp: number, now: number): void {
    const id = bundle.manifest.id;
    this.replay.set(id, "running", exp, ctx.jobId);
    this.jobs.insert(newJob(ctx, "running", id, now));
    tx.append("run", {
      job: ctx.jobId,
      bundle: id,
      manifest: bundle.manifestDigest,
      signers: bundle.signers.map((s) => s.keyId),
    });
  }

  /** Finish entry, job row with its receipt (which cites the finish entry), receipt entry, replay mark done. */
  finish(
    tx: AuditTx,
    ctx: JobContext,
    bundle: VerifiedBundle,
    exp: number,
    end: RunEnd,
    sealed: Sealed,
  ): void {
    const m = bundle.manifest;
    const e = tx.append("finish", { job: ctx.jobId, bundle: m.id, status: end.status, code: end.errorCode });
    if (e.seq !== sealed.result.statement.predicate.audit.seq)
      throw new SigrunError("INTERNAL", "audit: the receipt cites another entry than the finish");
    this.jobs.end(ctx.jobId, { ...end, auditSeq: e.seq, receipt: sealed.receipt });
    this.receiptEntry(tx, sealed);
    this.replay.set(m.id, "done", exp, ctx.jobId);
  }

  /** Job row, reject entry (citing the receipt), receipt entry. */
  reject(tx: AuditTx, ctx: JobContext, bundle: VerifiedBundle | null, r: Rejection, sealed: Sealed): void {
    this.jobs.insert(newJob(ctx, r.status, bundle?.manifest.id ?? null, null));
    const e = tx.append("reject", {
      job: ctx.jobId,
      bundle: bundle?.manifest.id ?? null,
      code: r.code,
      why: r.why.slice(0, 512),
    });
    if (e.seq !== sealed.result.statement.predicate.audit.seq)
      throw new SigrunError("INTERNAL", "audit: the receipt cites another entry than the reject");
    this.jobs.end(ctx.jobId, {
      status: r.status,
      finished: sealed.finished,
      errorCode: r.code,
      auditSeq: e.seq,
      receipt: sealed.receipt,
    });
    this.receiptEntry(tx, sealed);
  }

  private receiptEntry(tx: AuditTx, sealed: Sealed): void {
    tx.append("receipt", {
      job: sealed.result.jobId,
      sha256: sha256Hex(sealed.receipt),
      status: sealed.result.status,
    });
  }
}

function newJob(
  ctx: JobContext,
  status: JobRowStatus,
  bundleId: string | null,
  started: number | null,
): NewJob {
  return {
    id: ctx.jobId,
    status,
    transport: ctx.sub.transport,
    bundleId,
    submissionSha256: ctx.digest,
    bytes: ctx.sub.bytes.byteLength,
    queued: ctx.queued,
    started,
  };
}
