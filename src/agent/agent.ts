import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { AuditLog } from "../audit/index.js";
import { type TrustStore, type VerifiedBundle, verifySubmission } from "../bundle/index.js";
import {
  type Clock,
  type ErrorCode,
  isSigrunError,
  SigrunError,
  systemClock,
  utf8Decode,
} from "../core/index.js";
import { encodeReceiptEnvelope } from "./dsse.js";
import { type HostIdentity, loadOrCreateHostKey } from "./host-identity.js";
import { JobStore } from "./job-store.js";
import { summarizeRun } from "./outcome.js";
import {
  IN_TOTO_STATEMENT_TYPE,
  RECEIPT_PREDICATE_TYPE,
  type ReceiptStatement,
  type ReceiptSubject,
  receiptTime,
  signReceipt,
} from "./receipt.js";
import { ReplayStore } from "./replay-store.js";
import type { JobStatus, RunFunction, RunLimits, Submission } from "./types.js";
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
  /** The agent's ceilings; a bundle may ask for less, never more. */
  readonly limits?: {
    readonly wallClockMs?: number;
    readonly memoryMb?: number;
    readonly maxOperations?: number;
    readonly maxOutputBytes?: number;
  };
  readonly checkpointEvery?: number;
  readonly clock?: Clock;
  /** Module exporting `runScript` (default the sigrun runner); tests pass a stub. */
  readonly runnerModule?: string;
  /** Replaces the worker pool entirely (tests). */
  readonly run?: RunFunction;
  /** Replaces verification (tests); default verifyBundle / verifyOpensslBundle with the trust store. */
  readonly verify?: (sub: Submission, now: number) => VerifiedBundle;
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
const DEFAULT_MEMORY_MB = 256;

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
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

  private constructor(
    private readonly opts: AgentOptions,
    identity: HostIdentity,
    readonly audit: AuditLog,
    private readonly replay: ReplayStore,
    private readonly runFn: RunFunction,
    private readonly pool: WorkerPool | undefined,
    private readonly clock: Clock,
    private readonly lockPath: string,
  ) {
    this.identity = identity;
    this.hostId = opts.hostId;
    this.groups = opts.groups ?? [];
    this.jobs = new JobStore(join(opts.stateDir, "jobs"));
    this.maxBundleBytes = opts.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  }

  static async start(opts: AgentOptions): Promise<Agent> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(opts.hostId))
      throw new SigrunError(
        "USAGE",
        `host id: expected letters, digits, . _ -, got ${JSON.stringify(opts.hostId)}`,
      );
    const clock = opts.clock ?? systemClock();
    mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
    const lockPath = takeLock(opts.stateDir);
    try {
      const identity = loadOrCreateHostKey(opts.stateDir);
      const audit = await AuditLog.open(join(opts.stateDir, "audit.log"), {
        signer: identity.signer,
        host: opts.hostId,
        checkpointEvery: opts.checkpointEvery ?? 100,
        clock,
      });
      const { store, interrupted } = ReplayStore.open(join(opts.stateDir, "replay.jsonl"), clock.now());
      await audit.append("start", { host: opts.hostId, keyId: identity.publicKey.keyId, pid: process.pid });
      for (const id of interrupted) await audit.append("interrupted", { bundle: id });
      const pool = opts.run
        ? undefined
        : new WorkerPool({ size: opts.workers ?? 2, runnerModule: opts.runnerModule });
      // workers load the runner (and cedar-wasm, the schema) before the first job arrives
      pool?.warm(opts.limits?.memoryMb ?? DEFAULT_MEMORY_MB);
      const runFn: RunFunction = opts.run ?? ((req) => pool!.run(req));
      return new Agent(opts, identity, audit, store, runFn, pool, clock, lockPath);
    } catch (err) {
      rmSync(lockPath, { force: true });
      throw err;
    }
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
    const p = this.process(jobId, sub).finally(() => this.pending.delete(jobId));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Waits for running jobs, writes a final checkpoint, closes files and releases the state dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inflight]);
    await this.pool?.close();
    await this.audit.append("stop", { host: this.hostId });
    await this.audit.close();
    this.replay.close();
    rmSync(this.lockPath, { force: true });
  }

  private async process(jobId: string, sub: Submission): Promise<JobResult> {
    const queued = sub.queuedAt ?? this.clock.now();
    const digest = sub.tooLarge ? null : sha256(sub.bytes);
    await this.audit.append(
      "intake",
      {
        job: jobId,
        transport: sub.transport,
        bytes: sub.bytes.byteLength,
        sha256: digest,
      },
      { sync: false },
    );
    const ctx = { jobId, sub, queued, digest };
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
    const seen = this.replay.get(id);
    const exp = Date.parse(bundle.manifest.notAfter) + (this.opts.replayMarginMs ?? DAY);
    if (seen === "interrupted") {
      this.replay.set(id, "done", exp);
      return this.reject(
        ctx,
        "INTERRUPTED",
        bundle,
        "this bundle was running when the agent stopped; it is not run again",
        "interrupted",
      );
    }
    if (seen !== undefined) return this.reject(ctx, "REPLAY", bundle, `bundle ${id} was already received`);
    this.replay.set(id, "running", exp);
    return this.runBundle(ctx, bundle, exp);
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

  private limitsFor(bundle: VerifiedBundle): RunLimits {
    const ceil = this.opts.limits ?? {};
    const want = bundle.manifest.limits ?? {};
    const min = (a: number | undefined, b: number | undefined): number | undefined =>
      a === undefined ? b : b === undefined ? a : Math.min(a, b);
    return {
      wallClockMs: min(want.wallClockMs, ceil.wallClockMs ?? 60_000)!,
      memoryMb: ceil.memoryMb ?? DEFAULT_MEMORY_MB,
      maxOperations: min(want.maxOperations, ceil.maxOperations),
      maxOutputBytes: min(want.maxOutputBytes, ceil.maxOutputBytes),
    };
  }

  private async runBundle(ctx: Ctx, bundle: VerifiedBundle, exp: number): Promise<JobResult> {
    const { jobId } = ctx;
    const m = bundle.manifest;
    await this.audit.append(
      "run",
      {
        job: jobId,
        bundle: m.id,
        manifest: bundle.manifestDigest,
        signers: bundle.signers.map((s) => s.keyId),
      },
      { sync: false },
    );
    const started = this.clock.now();
    let summary: ReturnType<typeof summarizeRun>;
    try {
      const script = utf8Decode(bundle.files.get(m.entry)!, m.entry);
      const policy = utf8Decode(bundle.files.get(m.policy)!, m.policy);
      const cwd = await this.jobs.makeWorkDir(jobId);
      const outcome = await this.runFn({
        script,
        policy,
        user: bundle.signers[0]?.keyId,
        limits: this.limitsFor(bundle),
        cwd,
        bundleId: m.id,
      });
      summary = summarizeRun(outcome);
    } catch (err) {
      summary = summarizeRun({
        kind: "error",
        code: isSigrunError(err) ? err.code : "RUNNER_ERROR",
        message: (err as Error).message,
      });
    }
    const finished = this.clock.now();
    await Promise.all([
      this.jobs.writeFileAsync(jobId, "stdout", summary.stdout),
      this.jobs.writeFileAsync(jobId, "stderr", summary.stderr),
    ]);
    const subjects: ReceiptSubject[] = [
      {
        name: bundle.form === "openssl" ? "bundle.tar.gz" : "manifest.json",
        digest: { sha256: bundle.manifestDigest },
      },
      { name: "stdout", digest: { sha256: sha256(summary.stdout) } },
      { name: "stderr", digest: { sha256: sha256(summary.stderr) } },
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
        error: { code: isSigrunError(err) ? err.code : "IO_ERROR", type: null },
      };
    }
    for (const o of outputs) subjects.push({ name: `outputs/${o.name}`, digest: { sha256: o.sha256 } });
    const entry = await this.audit.append("finish", {
      job: jobId,
      bundle: m.id,
      status: summary.status,
      code: summary.error?.code ?? null,
    });
    const result = await this.seal(ctx, bundle, subjects, {
      started,
      finished,
      status: summary.status,
      error: summary.error,
      result: summary.result,
      seq: entry.seq,
    });
    this.replay.set(m.id, "done", exp, false);
    return result;
  }

  private async reject(
    ctx: Ctx,
    code: ErrorCode,
    bundle: VerifiedBundle | null,
    why: string,
    status: JobStatus = "rejected",
  ): Promise<JobResult> {
    const entry = await this.audit.append("reject", {
      job: ctx.jobId,
      bundle: bundle?.manifest.id ?? null,
      code,
      why: why.slice(0, 512),
    });
    const subjects: ReceiptSubject[] = [];
    if (ctx.digest) subjects.push({ name: "submission", digest: { sha256: ctx.digest } });
    if (bundle && bundle.form !== "openssl")
      subjects.push({ name: "manifest.json", digest: { sha256: bundle.manifestDigest } });
    return this.seal(ctx, bundle, subjects, {
      started: null,
      finished: this.clock.now(),
      status,
      error: { code, type: null },
      result: null,
      seq: entry.seq,
    });
  }

  private async seal(
    ctx: Ctx,
    bundle: VerifiedBundle | null,
    subject: ReceiptSubject[],
    r: SealFields,
  ): Promise<JobResult> {
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
    await this.jobs.saveReceiptAsync(ctx.jobId, receipt);
    // not fsync'ed on its own: the receipt file is durable and this entry reaches the disk with the next
    // synced entry (finish/reject of a later job, a checkpoint, or close)
    await this.audit.append(
      "receipt",
      { job: ctx.jobId, sha256: sha256(receipt), status: r.status },
      { sync: false },
    );
    return {
      jobId: ctx.jobId,
      status: r.status,
      errorCode: r.error?.code ?? null,
      bundleId: bundle?.manifest.id ?? null,
      receipt,
      statement,
    };
  }
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
  readonly error: { code: ErrorCode; type: string | null } | null;
  readonly result: { value: string; truncated: boolean } | null;
  readonly seq: number;
}

/** One agent per state dir: a lock file with the pid; a stale lock (dead pid) is taken over. */
function takeLock(stateDir: string): string {
  const path = join(stateDir, "agent.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new SigrunError("IO_ERROR", `state dir ${stateDir}: in use by agent pid ${pid}`);
      rmSync(path, { force: true });
    }
  }
  throw new SigrunError("IO_ERROR", `state dir ${stateDir}: cannot take the lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
