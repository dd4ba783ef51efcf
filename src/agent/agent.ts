import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import type { DatabaseSync } from "node:sqlite";
import { AuditLog, type AuditTx } from "../audit/index.js";
import { type TrustStore, type VerifiedBundle, verifySubmission } from "../bundle/index.js";
import {
  type Clock,
  type ErrorCode,
  isSigrunError,
  SigrunError,
  sha256Hex,
  systemClock,
} from "../core/index.js";
import { bundleInvocation, checkCeilings, DEFAULT_CEILINGS, type LimitCeilings } from "../runner/index.js";
import { encodeReceiptEnvelope } from "./dsse.js";
import type { JobEvent } from "./event-log.js";
import { type HostIdentity, loadOrCreateHostKey } from "./host-identity.js";
import { type JobRowStatus, JobStore, type NewJob } from "./job-store.js";
import { summarizeRun } from "./outcome.js";
import {
  IN_TOTO_STATEMENT_TYPE,
  RECEIPT_PREDICATE_TYPE,
  type ReceiptStatement,
  type ReceiptSubject,
  receiptErrorMessage,
  receiptTime,
  signReceipt,
} from "./receipt.js";
import { ReplayStore } from "./replay-store.js";
import { openAgentState } from "./state-db.js";
import { takeLock } from "./state-lock.js";
import type { JobStatus, RunFunction, RunOutcome, Submission } from "./types.js";
import { WorkerPool } from "./worker-pool.js";

export interface AgentOptions {
  readonly stateDir: string;
  readonly hostId: string;
  readonly groups?: readonly string[];
  /** Trusted signer keys (bundle trust store). */
  readonly trust: TrustStore;
  /** Signatures required (default: the trust store's threshold). */
  readonly threshold?: number;
  /** Largest submission accepted (default 16 MiB); larger → TOO_LARGE. */
  readonly maxBundleBytes?: number;
  /** How long past notAfter a bundle id is kept for replay checks (default 1 day). */
  readonly replayMarginMs?: number;
  /** Concurrent runs (default 2). */
  readonly workers?: number;
  /** The agent's ceilings; a bundle may ask for less, never more (effectiveLimits, docs/spec/runner.md §10). */
  readonly limits?: LimitCeilings;
  readonly checkpointEvery?: number;
  readonly clock?: Clock;
  /** Module exporting `runBundle` (default the sigrun runner); tests pass a stub. */
  readonly runnerModule?: string;
  /** Replaces the worker pool entirely (tests). */
  readonly run?: RunFunction;
  /** Replaces verification (tests); default verifyBundle / verifyOpensslBundle with the trust store. */
  readonly verify?: (sub: Submission, now: number) => VerifiedBundle;
  /** Job events (received, rejected, started, finished) for the agent's log (event-log.ts). */
  readonly onEvent?: (e: JobEvent) => void;
}

export interface JobResult {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly errorCode: ErrorCode | null;
  readonly bundleId: string | null;
  /** The signed receipt: DSSE envelope bytes (JSON + newline). */
  readonly receipt: Uint8Array;
  readonly statement: ReceiptStatement;
}

export const DEFAULT_MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
const DAY = 86_400_000;

function sha256(data: Uint8Array): string {
  return sha256Hex(data);
}

/**
 * The agent pipeline, one code path for every transport: intake → size cap → verify (trust, threshold,
 * expiry, target) → replay check → run in a worker with the bundle's limits → signed receipt → audit →
 * reply. Rejections get a signed receipt too. See docs/spec/receipt.md and docs/spec/audit-log.md.
 */
export class Agent {
  readonly identity: HostIdentity;
  readonly jobs: JobStore;
  readonly hostId: string;
  readonly groups: readonly string[];
  readonly maxBundleBytes: number;
  private readonly pending = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;
  private runs = 0;

  private constructor(
    private readonly opts: AgentOptions,
    identity: HostIdentity,
    readonly audit: AuditLog,
    private readonly db: DatabaseSync,
    private readonly replay: ReplayStore,
    private readonly runFn: RunFunction,
    private readonly pool: WorkerPool | undefined,
    private readonly clock: Clock,
    private readonly lockPath: string,
  ) {
    this.identity = identity;
    this.hostId = opts.hostId;
    this.groups = opts.groups ?? [];
    this.jobs = new JobStore(db, opts.stateDir);
    this.maxBundleBytes = opts.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  }

  static async start(opts: AgentOptions): Promise<Agent> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(opts.hostId))
      throw new SigrunError(
        "USAGE",
        `host id: expected letters, digits, . _ -, got ${JSON.stringify(opts.hostId)}`,
      );
    checkCeilings(opts.limits ?? {}, "agent limits:");
    const clock = opts.clock ?? systemClock();
    mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
    const lockPath = takeLock(opts.stateDir);
    let db: DatabaseSync | undefined;
    try {
      const identity = loadOrCreateHostKey(opts.stateDir);
      db = openAgentState(opts.stateDir);
      const audit = await AuditLog.attach(db, {
        signer: identity.signer,
        host: opts.hostId,
        checkpointEvery: opts.checkpointEvery ?? 100,
        clock,
      });
      const replay = new ReplayStore(db);
      const jobs = new JobStore(db, opts.stateDir);
      jobs.ensureDirs();
      await audit.transaction((tx) => {
        replay.sweep(clock.now());
        tx.append("start", { host: opts.hostId, keyId: identity.publicKey.keyId, pid: process.pid });
      });
      await recoverInterrupted(audit, jobs, replay);
      const pool = opts.run
        ? undefined
        : new WorkerPool({ size: opts.workers ?? 2, runnerModule: opts.runnerModule });
      // workers load the runner (and cedar-wasm, the schema) before the first job arrives
      pool?.warm(opts.limits?.memoryMb ?? DEFAULT_CEILINGS.memoryMb);
      const runFn: RunFunction = opts.run ?? ((req) => pool!.run(req));
      return new Agent(opts, identity, audit, db, replay, runFn, pool, clock, lockPath);
    } catch (err) {
      db?.close();
      rmSync(lockPath, { force: true });
      throw err;
    }
  }

  /** Submissions received and not finished (waiting for a worker or running). */
  pendingCount(): number {
    return this.pending.size;
  }

  /** True while the job is queued or running. */
  isPending(jobId: string): boolean {
    return this.pending.has(jobId);
  }

  /** Runs one submission through the pipeline; never throws for a bad bundle (the receipt says why). */
  submit(sub: Submission): Promise<JobResult> {
    if (this.closed) return Promise.reject(new SigrunError("TRANSPORT_ERROR", "agent is shutting down"));
    const jobId = sub.jobId ?? randomBytes(16).toString("hex");
    this.pending.add(jobId);
    this.emit({ event: "received", job: jobId, transport: sub.transport, bytes: sub.bytes.byteLength });
    const p = this.process(jobId, sub)
      .then((r) => {
        this.emitEnd(sub, r);
        return r;
      })
      .finally(() => this.pending.delete(jobId));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Sealed jobs (sealed-job.ts): the state dir, this agent's bundle verification, and a run with arguments. */
  get stateDir(): string {
    return this.opts.stateDir;
  }

  verifySealedBundle(bytes: Uint8Array): VerifiedBundle {
    return this.verify({ bytes, transport: "sealed" });
  }

  runSealed(
    bundle: VerifiedBundle,
    req: { cwd: string; args: Record<string, unknown>; timeoutMs: number },
  ): Promise<RunOutcome> {
    if (this.closed) return Promise.reject(new SigrunError("TRANSPORT_ERROR", "agent is shutting down"));
    // the same invocation as every other bundle run; the sealed job's timeout is one more ceiling
    const ceil = this.opts.limits ?? {};
    const wallClockMs = Math.min(ceil.wallClockMs ?? DEFAULT_CEILINGS.wallClockMs, req.timeoutMs);
    const invocation = bundleInvocation(bundle, { ceilings: { ...ceil, wallClockMs } });
    const p = this.runFn({ invocation, cwd: req.cwd, args: req.args });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private emit(e: JobEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // a log sink never stops a job
    }
  }

  private emitEnd(sub: Submission, r: JobResult): void {
    const t = r.statement.predicate.times;
    if (t.started === null)
      this.emit({
        event: "rejected",
        job: r.jobId,
        transport: sub.transport,
        code: r.errorCode ?? "UNKNOWN",
        bundle: r.bundleId,
      });
    else
      this.emit({
        event: "finished",
        job: r.jobId,
        bundle: r.bundleId,
        status: r.status,
        code: r.errorCode,
        durationMs: Date.parse(t.finished) - Date.parse(t.started),
      });
  }

  /** Waits for running jobs, writes a final checkpoint, closes files and releases the state dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    await this.pool?.close();
    await this.audit.append("stop", { host: this.hostId });
    await this.audit.close();
    this.db.close();
    rmSync(this.lockPath, { force: true });
  }

  private async process(jobId: string, sub: Submission): Promise<JobResult> {
    const queued = sub.queuedAt ?? this.clock.now();
    const digest = sub.tooLarge ? null : sha256(sub.bytes);
    const ctx: Ctx = { jobId, sub, queued, digest };
    if (sub.tooLarge || sub.bytes.byteLength > this.maxBundleBytes)
      return this.reject(ctx, "TOO_LARGE", null, `submission larger than ${this.maxBundleBytes} bytes`);
    let bundle: VerifiedBundle;
    try {
      bundle = this.verify(sub);
    } catch (err) {
      const code: ErrorCode = isSigrunError(err) ? err.code : "BUNDLE_MALFORMED";
      return this.reject(
        ctx,
        code === "USAGE" || code === "INTERNAL" ? "BUNDLE_MALFORMED" : code,
        null,
        (err as Error).message,
      );
    }
    const id = bundle.manifest.id;
    const exp = Date.parse(bundle.manifest.notAfter) + (this.opts.replayMarginMs ?? DAY);
    // One transaction: the replay check and mark, the job row and the audit entries (intake, then run or
    // reject + receipt). `prepare` runs inside the audit queue, so nothing writes between check and commit.
    const rejected = await this.audit.prepareTransaction(
      async ({ seq }) => {
        const seen = this.replay.get(id);
        if (seen === undefined) return undefined;
        const interrupted = seen === "interrupted";
        const r: Rejection = {
          code: interrupted ? "INTERRUPTED" : "REPLAY",
          status: interrupted ? "interrupted" : "rejected",
          why: interrupted
            ? "this bundle was running when the agent stopped; it is not run again"
            : `bundle ${id} was already received`,
        };
        // intake is entry `seq`, reject `seq + 1`
        return { r, sealed: await this.sealReject(ctx, bundle, r, seq + 1) };
      },
      (tx, d) => {
        this.intake(tx, ctx);
        if (d === undefined) {
          // expired bundle ids are swept at start and every 256 runs
          if (++this.runs % 256 === 0) this.replay.sweep(this.clock.now());
          this.replay.set(id, "running", exp, jobId);
          this.jobs.insert(this.newJob(ctx, "running", id, this.clock.now()));
          tx.append("run", {
            job: jobId,
            bundle: id,
            manifest: bundle.manifestDigest,
            signers: bundle.signers.map((s) => s.keyId),
          });
          return undefined;
        }
        if (d.r.code === "INTERRUPTED") this.replay.set(id, "done", exp, jobId);
        this.commitReject(tx, ctx, bundle, d.r, d.sealed);
        return d.sealed.result;
      },
    );
    return rejected ?? this.runBundle(ctx, bundle, exp);
  }

  private intake(tx: AuditTx, ctx: Ctx): void {
    tx.append("intake", {
      job: ctx.jobId,
      transport: ctx.sub.transport,
      bytes: ctx.sub.bytes.byteLength,
      sha256: ctx.digest,
    });
  }

  private newJob(ctx: Ctx, status: JobRowStatus, bundleId: string | null, started: number | null): NewJob {
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

  private verify(sub: Submission): VerifiedBundle {
    const now = this.clock.now();
    if (this.opts.verify) return this.opts.verify(sub, now);
    const caps = { maxArchiveBytes: this.maxBundleBytes };
    return verifySubmission(sub.bytes, sub.sig, {
      trust: this.opts.trust,
      threshold: this.opts.threshold,
      host: this.hostId,
      groups: this.groups,
      now,
      caps,
    });
  }

  private async runBundle(ctx: Ctx, bundle: VerifiedBundle, exp: number): Promise<JobResult> {
    const { jobId } = ctx;
    const m = bundle.manifest;
    const started = this.clock.now();
    let summary: ReturnType<typeof summarizeRun>;
    try {
      // the same script, policy, principal and limits as `sigrun run job.sgb --trust` (docs/spec/runner.md §9–10)
      const invocation = bundleInvocation(bundle, { ceilings: this.opts.limits });
      this.emit({ event: "started", job: jobId, bundle: m.id, signer: invocation.principal });
      const cwd = await this.jobs.makeWorkDir(jobId);
      const outcome = await this.runFn({ invocation, cwd });
      summary = summarizeRun(outcome);
    } catch (err) {
      summary = summarizeRun({
        kind: "error",
        code: isSigrunError(err) ? err.code : "RUNNER_ERROR",
        message: (err as Error).message,
      });
    }
    const finished = this.clock.now();
    const [stdoutSha, stderrSha] = await Promise.all([
      this.jobs.putBlob(summary.stdout),
      this.jobs.putBlob(summary.stderr),
    ]);
    const subjects: ReceiptSubject[] = [
      {
        name: bundle.form === "openssl" ? "bundle.tar.gz" : "manifest.json",
        digest: { sha256: bundle.manifestDigest },
      },
      { name: "stdout", digest: { sha256: stdoutSha } },
      { name: "stderr", digest: { sha256: stderrSha } },
    ];
    if (summary.fullResult !== null)
      subjects.push({ name: "result", digest: { sha256: sha256(Buffer.from(summary.fullResult)) } });
    let outputs: { name: string; sha256: string }[] = [];
    try {
      outputs = this.jobs.hashOutputs(jobId);
    } catch (err) {
      summary = {
        ...summary,
        status: "failed",
        error: {
          code: isSigrunError(err) ? err.code : "IO_ERROR",
          type: null,
          message: receiptErrorMessage((err as Error).message),
        },
      };
    }
    for (const o of outputs) subjects.push({ name: `outputs/${o.name}`, digest: { sha256: o.sha256 } });
    const fin = summary;
    // One transaction: finish entry, job row with its receipt (which cites the finish entry), receipt
    // entry, replay mark done.
    return this.audit.prepareTransaction(
      ({ seq }) =>
        this.seal(ctx, bundle, subjects, {
          started,
          finished,
          status: fin.status,
          error: fin.error,
          result: fin.result,
          seq,
        }),
      (tx, sealed) => {
        const e = tx.append("finish", {
          job: jobId,
          bundle: m.id,
          status: fin.status,
          code: fin.error?.code ?? null,
        });
        if (e.seq !== sealed.result.statement.predicate.audit.seq)
          throw new SigrunError("INTERNAL", "audit: the receipt cites another entry than the finish");
        this.jobs.end(jobId, {
          status: fin.status,
          finished,
          errorCode: fin.error?.code ?? null,
          auditSeq: e.seq,
          stdoutSha256: stdoutSha,
          stderrSha256: stderrSha,
          outputs,
          receipt: sealed.receipt,
        });
        this.receiptEntry(tx, sealed);
        this.replay.set(m.id, "done", exp, jobId);
        return sealed.result;
      },
    );
  }

  /** A rejection before the replay check (size, verification): job row, entries and receipt in one commit. */
  private reject(ctx: Ctx, code: ErrorCode, bundle: VerifiedBundle | null, why: string): Promise<JobResult> {
    const r: Rejection = { code, status: "rejected", why };
    return this.audit.prepareTransaction(
      async ({ seq }) => this.sealReject(ctx, bundle, r, seq + 1),
      (tx, sealed) => {
        this.intake(tx, ctx);
        this.commitReject(tx, ctx, bundle, r, sealed);
        return sealed.result;
      },
    );
  }

  private sealReject(ctx: Ctx, bundle: VerifiedBundle | null, r: Rejection, seq: number): Promise<Sealed> {
    const subjects: ReceiptSubject[] = [];
    if (ctx.digest) subjects.push({ name: "submission", digest: { sha256: ctx.digest } });
    if (bundle && bundle.form !== "openssl")
      subjects.push({ name: "manifest.json", digest: { sha256: bundle.manifestDigest } });
    return this.seal(ctx, bundle, subjects, {
      started: null,
      finished: this.clock.now(),
      status: r.status,
      error: { code: r.code, type: null, message: receiptErrorMessage(r.why) },
      result: null,
      seq,
    });
  }

  private commitReject(
    tx: AuditTx,
    ctx: Ctx,
    bundle: VerifiedBundle | null,
    r: Rejection,
    sealed: Sealed,
  ): void {
    this.jobs.insert(this.newJob(ctx, r.status, bundle?.manifest.id ?? null, null));
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
      sha256: sha256(sealed.receipt),
      status: sealed.result.status,
    });
  }

  private async seal(
    ctx: Ctx,
    bundle: VerifiedBundle | null,
    subject: ReceiptSubject[],
    r: SealFields,
  ): Promise<Sealed> {
    const statement: ReceiptStatement = {
      _type: IN_TOTO_STATEMENT_TYPE,
      subject,
      predicateType: RECEIPT_PREDICATE_TYPE,
      predicate: {
        job: { id: ctx.jobId, transport: ctx.sub.transport, submissionSha256: ctx.digest },
        bundle: bundle
          ? {
              id: bundle.manifest.id,
              form: bundle.form,
              manifestDigest: bundle.manifestDigest,
              signers: bundle.signers.map((s) => s.keyId),
              notAfter: bundle.manifest.notAfter,
            }
          : null,
        host: { id: this.hostId, keyId: this.identity.publicKey.keyId, groups: [...this.groups] },
        times: {
          queued: receiptTime(ctx.queued),
          started: r.started === null ? null : receiptTime(r.started),
          finished: receiptTime(r.finished),
        },
        status: r.status,
        error: r.error,
        result: r.result,
        audit: { seq: r.seq },
        attestation: { type: "none" },
      },
    };
    const env = await signReceipt(statement, this.identity.signer);
    const receipt = encodeReceiptEnvelope(env);
    return {
      receipt,
      finished: r.finished,
      result: {
        jobId: ctx.jobId,
        status: r.status,
        errorCode: r.error?.code ?? null,
        bundleId: bundle?.manifest.id ?? null,
        receipt,
        statement,
      },
    };
  }
}

interface Rejection {
  readonly code: ErrorCode;
  readonly status: JobStatus;
  readonly why: string;
}

interface Sealed {
  readonly receipt: Uint8Array;
  readonly finished: number;
  readonly result: JobResult;
}

interface Ctx {
  readonly jobId: string;
  readonly sub: Submission;
  readonly queued: number;
  readonly digest: string | null;
}

interface SealFields {
  readonly started: number | null;
  readonly finished: number;
  readonly status: JobStatus;
  readonly error: { code: ErrorCode; type: string | null; message?: string } | null;
  readonly result: { value: string; truncated: boolean } | null;
  readonly seq: number;
}

/** Jobs (and bundles) left running by a process that died: one transaction each marks them interrupted. */
async function recoverInterrupted(audit: AuditLog, jobs: JobStore, replay: ReplayStore): Promise<void> {
  for (const j of jobs.running())
    await audit.transaction((tx) => {
      jobs.interrupt(j.id);
      if (j.bundleId) replay.set(j.bundleId, "interrupted", 0, j.id);
      tx.append("interrupted", { job: j.id, bundle: j.bundleId });
    });
  // a bundle marked running without a running job row (not written by this version): same treatment
  for (const id of replay.running())
    await audit.transaction((tx) => {
      replay.set(id, "interrupted", 0, "0".repeat(32));
      tx.append("interrupted", { job: null, bundle: id });
    });
}
