import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { DatabaseSync } from "node:sqlite";
import { AuditLog } from "../audit/index.js";
import { type VerifiedBundle, verifySubmission } from "../bundle/index.js";
import {
  type Clock,
  type ErrorCode,
  isSigrunError,
  SigrunError,
  sha256Hex,
  systemClock,
} from "../core/index.js";
import { bundleInvocation, checkCeilings, DEFAULT_CEILINGS } from "../runner/index.js";
import { type AgentOptions, DEFAULT_MAX_BUNDLE_BYTES } from "./agent-options.js";
import { type JobEvent, jobEndEvent } from "./event-log.js";
import { type HostIdentity, loadOrCreateHostKey } from "./host-identity.js";
import { type JobContext, JobLedger, type JobResult, type Rejection, type Sealed } from "./job-ledger.js";
import { JobStore } from "./job-store.js";
import { summarizeRun } from "./outcome.js";
import {
  type ReceiptSubject,
  receiptErrorMessage,
  rejectionSubjects,
  runSubjects,
  sealReceipt,
} from "./receipt.js";
import { recoverInterrupted } from "./recovery.js";
import { ReplayStore } from "./replay-store.js";
import { openAgentState } from "./state-db.js";
import { releaseLock, takeLock } from "./state-lock.js";
import type { JobStatus, RunFunction, RunOutcome, Submission } from "./types.js";
import { WorkerPool } from "./worker-pool.js";

export type { AgentOptions } from "./agent-options.js";
export { DEFAULT_MAX_BUNDLE_BYTES } from "./agent-options.js";
export type { JobResult } from "./job-ledger.js";

const DAY = 86_400_000;

/**
 * The agent pipeline, one code path for every transport: intake → size cap → verify (trust, threshold,
 * expiry, target) → replay check → run in a worker with the bundle's limits → signed receipt → audit →
 * reply. Rejections get a signed receipt too. See docs/spec/receipt.md and docs/spec/audit-log.md.
 */
export class Agent {
  readonly identity: HostIdentity;
  readonly jobs: JobStore;
  private readonly ledger: JobLedger;
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
    this.ledger = new JobLedger(this.jobs, replay);
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
      releaseLock(lockPath);
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
        this.emit(jobEndEvent(sub.transport, r));
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

  /** Waits for running jobs, writes a final checkpoint, closes files and releases the state dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    await this.pool?.close();
    await this.audit.append("stop", { host: this.hostId });
    await this.audit.close();
    this.db.close();
    releaseLock(this.lockPath);
  }

  private async process(jobId: string, sub: Submission): Promise<JobResult> {
    const queued = sub.queuedAt ?? this.clock.now();
    const digest = sub.tooLarge ? null : sha256Hex(sub.bytes);
    const ctx: JobContext = { jobId, sub, queued, digest };
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
        this.ledger.intake(tx, ctx);
        if (d === undefined) {
          // expired bundle ids are swept at start and every 256 runs
          if (++this.runs % 256 === 0) this.replay.sweep(this.clock.now());
          this.ledger.startRun(tx, ctx, bundle, exp, this.clock.now());
          return undefined;
        }
        if (d.r.code === "INTERRUPTED") this.replay.set(id, "done", exp, jobId);
        this.ledger.reject(tx, ctx, bundle, d.r, d.sealed);
        return d.sealed.result;
      },
    );
    return rejected ?? this.runBundle(ctx, bundle, exp);
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

  private async runBundle(ctx: JobContext, bundle: VerifiedBundle, exp: number): Promise<JobResult> {
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
    const subjects = runSubjects(bundle, {
      stdoutSha256: stdoutSha,
      stderrSha256: stderrSha,
      resultSha256: summary.fullResult === null ? null : sha256Hex(Buffer.from(summary.fullResult)),
      outputs,
    });
    const fin = summary;
    // One transaction: finish entry, job row with its receipt, receipt entry, replay mark done (job-ledger.ts).
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
        this.ledger.finish(
          tx,
          ctx,
          bundle,
          exp,
          {
            status: fin.status,
            finished,
            errorCode: fin.error?.code ?? null,
            stdoutSha256: stdoutSha,
            stderrSha256: stderrSha,
            outputs,
          },
          sealed,
        );
        return sealed.result;
      },
    );
  }

  /** A rejection before the replay check (size, verification): job row, entries and receipt in one commit. */
  private reject(
    ctx: JobContext,
    code: ErrorCode,
    bundle: VerifiedBundle | null,
    why: string,
  ): Promise<JobResult> {
    const r: Rejection = { code, status: "rejected", why };
    return this.audit.prepareTransaction(
      async ({ seq }) => this.sealReject(ctx, bundle, r, seq + 1),
      (tx, sealed) => {
        this.ledger.intake(tx, ctx);
        this.ledger.reject(tx, ctx, bundle, r, sealed);
        return sealed.result;
      },
    );
  }

  private sealReject(
    ctx: JobContext,
    bundle: VerifiedBundle | null,
    r: Rejection,
    seq: number,
  ): Promise<Sealed> {
    return this.seal(ctx, bundle, rejectionSubjects(ctx.digest, bundle), {
      started: null,
      finished: this.clock.now(),
      status: r.status,
      error: { code: r.code, type: null, message: receiptErrorMessage(r.why) },
      result: null,
      seq,
    });
  }

  private async seal(
    ctx: JobContext,
    bundle: VerifiedBundle | null,
    subject: ReceiptSubject[],
    r: SealFields,
  ): Promise<Sealed> {
    const { statement, receipt } = await sealReceipt(
      {
        job: { id: ctx.jobId, transport: ctx.sub.transport, submissionSha256: ctx.digest },
        bundle,
        host: { id: this.hostId, keyId: this.identity.publicKey.keyId, groups: this.groups },
        subjects: subject,
        queued: ctx.queued,
        ...r,
      },
      this.identity.signer,
    );
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

interface SealFields {
  readonly started: number | null;
  readonly finished: number;
  readonly status: JobStatus;
  readonly error: { code: ErrorCode; type: string | null; message?: string } | null;
  readonly result: { value: string; truncated: boolean } | null;
  readonly seq: number;
}
