import { Worker } from "node:worker_threads";
import { type ErrorCode, isErrorCode } from "../core/index.js";
import { setLongTimeout } from "../core/long-timeout.js";
import { type CompiledCedar, compileCedar } from "../policy/index.js";
import type { RexOutput, RunOutcome, RunRequest } from "./types.js";

export interface WorkerPoolOptions {
  /** Most runs at the same time (default 2). */
  readonly size?: number;
  /** URL of the module exporting `createBundleRunner` or `runBundle` (default: the sigrun runner). */
  readonly runnerModule?: string;
  /** A worker is replaced after this many runs (default 1000; 1 = a fresh worker per run). */
  readonly maxRunsPerWorker?: number;
}

interface Slot {
  worker: Worker;
  runs: number;
  memoryMb: number;
}

/** Longest delay setTimeout takes: a longer one fires at once (a TimeoutOverflowWarning). */

const DEFAULT_RUNNER = new URL("../runner/index.js", import.meta.url).href;
const WORKER_URL = new URL("./run-worker.js", import.meta.url);

/**
 * Runs scripts in worker threads with V8 heap limits and a wall-clock deadline. A worker that times out,
 * runs out of memory or crashes is terminated and replaced; the agent keeps serving. At most `size` runs
 * at once; further runs wait in FIFO order.
 */
export class WorkerPool {
  private readonly size: number;
  private readonly runnerModule: string;
  private readonly maxRuns: number;
  private readonly idle: Slot[] = [];
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  /** cedar-wasm compiled once here and shared by every worker (the sigrun runner only). */
  private cedar: CompiledCedar | undefined;
  private readonly cedarReady: Promise<void>;

  constructor(opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 2);
    this.runnerModule = opts.runnerModule ?? DEFAULT_RUNNER;
    this.maxRuns = Math.max(1, opts.maxRunsPerWorker ?? 1000);
    // Without it each new worker compiles the 4 MB wasm and tiers it up again (~1 s of CPU); with it a
    // replacement worker starts with the optimized code the earlier ones produced.
    this.cedarReady =
      this.runnerModule === DEFAULT_RUNNER
        ? compileCedar().then(
            (c) => {
              this.cedar = c;
            },
            () => undefined, // each worker then compiles its own copy
          )
        : Promise.resolve();
  }

  async run(req: RunRequest): Promise<RunOutcome> {
    if (this.closed) return { kind: "error", code: "INTERNAL", message: "worker pool closed" };
    await this.cedarReady;
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await this.runOn(this.take(req.invocation.limits.memoryMb), req);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Starts idle workers ahead of the first run and has them load the runner. */
  warm(memoryMb: number): void {
    // after the shared cedar-wasm module is compiled, so the workers start with it
    void this.cedarReady.then(() => {
      while (this.idle.length < this.size && !this.closed) {
        const slot = this.spawn(memoryMb);
        slot.worker.postMessage({ warm: true });
        this.idle.push(slot);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((s) => s.worker.terminate()));
  }

  private take(memoryMb: number): Slot {
    const i = this.idle.findIndex((s) => s.memoryMb === memoryMb);
    if (i >= 0) return this.idle.splice(i, 1)[0]!;
    return this.spawn(memoryMb);
  }

  private spawn(memoryMb: number): Slot {
    const worker = new Worker(WORKER_URL, {
      workerData: { sigrunRunWorker: true, runnerModule: this.runnerModule, cedar: this.cedar },
      resourceLimits: {
        maxOldGenerationSizeMb: memoryMb,
        maxYoungGenerationSizeMb: Math.min(32, memoryMb),
        stackSizeMb: 4,
      },
      stdout: true,
      stderr: true,
      env: {},
    });
    worker.unref();
    return { worker, runs: 0, memoryMb };
  }

  private runOn(slot: Slot, req: RunRequest): Promise<RunOutcome> {
    const id = this.nextId++;
    const { worker } = slot;
    return new Promise<RunOutcome>((resolve) => {
      let done = false;
      const finish = (outcome: RunOutcome, reusable: boolean): void => {
        if (done) return;
        done = true;
        cancelTimer();
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        slot.runs++;
        if (reusable && !this.closed && slot.runs < this.maxRuns && this.idle.length < this.size)
          this.idle.push(slot);
        else {
          void worker.terminate();
          // replace it now, warmed, so the next run does not pay the cold start
          if (!this.closed) this.warm(slot.memoryMb);
        }
        resolve(outcome);
      };
      const onMessage = (m: {
        id: number;
        ok: boolean;
        output?: RexOutput;
        code?: string;
        message?: string;
      }): void => {
        if (m.id !== id) return;
        if (m.ok) finish({ kind: "ok", output: m.output! }, true);
        else {
          const code: ErrorCode = isErrorCode(m.code) ? m.code : "RUNNER_ERROR";
          finish({ kind: "error", code, message: m.message ?? "runner failed" }, true);
        }
      };
      const onError = (err: Error & { code?: string }): void => {
        const oom = err.code === "ERR_WORKER_OUT_OF_MEMORY";
        finish(
          {
            kind: "error",
            code: oom ? "LIMIT_EXCEEDED" : "RUNNER_ERROR",
            message: oom ? "memory limit exceeded" : err.message,
          },
          false,
        );
      };
      const onExit = (code: number): void =>
        finish({ kind: "error", code: "RUNNER_ERROR", message: `worker exited with ${code}` }, false);
      // the config takes any positive integer: past setTimeout's range too (setLongTimeout)
      const cancelTimer = setLongTimeout(
        () =>
          finish(
            {
              kind: "error",
              code: "TIMEOUT",
              message: `wall clock limit of ${req.invocation.limits.wallClockMs} ms exceeded`,
            },
            false,
          ),
        req.invocation.limits.wallClockMs,
      );
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, req });
    });
  }
}
