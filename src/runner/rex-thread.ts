import { statSync } from "node:fs";
import nodeModule from "node:module";
import { Worker } from "node:worker_threads";

/** Default heap for one `sigrun run` script (the agent's workers default to 256 MiB). */
export const DEFAULT_RUN_MEMORY_MB = 512;

/**
 * The script thread's entry: the build's single-file bundle of rex-worker.js and all it loads
 * (`scripts/bundle-runner.mjs`; one file loads several times faster than the ~150 modules it holds), or
 * rex-worker.js itself when the bundle is missing or older than it (a compile without the bundle step).
 */
export function rexWorkerUrl(): URL {
  const plain = new URL("./rex-worker.js", import.meta.url);
  const bundled = new URL("./rex-worker.bundle.js", import.meta.url);
  try {
    if (statSync(bundled).mtimeMs >= statSync(plain).mtimeMs) return bundled;
  } catch {
    // no bundle
  }
  return plain;
}

/** What one script thread runs (rex-worker.ts): a Rex-mode script or a prepared bundle, with its options. */
export type RexJob = Record<string, unknown>;

/**
 * Starts a script thread with a V8 heap limit of `memoryMb`: a script that allocates past it ends the
 * thread, not the process. With `job` the thread runs it at once; without, it loads the runner and
 * cedar-wasm and waits for one message carrying the job. The thread uses this thread's compile cache.
 */
export function startRexThread(memoryMb: number, job?: RexJob): Worker {
  const compileCache = nodeModule.getCompileCacheDir?.();
  return new Worker(rexWorkerUrl(), {
    workerData: {
      sigrunRexWorker: true,
      ...job,
      ...(compileCache === undefined ? {} : { compileCache }),
    },
    resourceLimits: {
      maxOldGenerationSizeMb: memoryMb,
      maxYoungGenerationSizeMb: Math.min(32, memoryMb),
      stackSizeMb: 4,
    },
  });
}

/**
 * A script thread started before its job is known (`sigrun run` starts it first thing, so that it loads
 * while the CLI parses its arguments and reads the files). It does not keep the process alive until
 * taken; a thread that failed or exited meanwhile is never handed out.
 */
export class PrestartedRexThread {
  private readonly worker: Worker;
  private dead = false;
  private taken = false;

  constructor(readonly memoryMb: number) {
    this.worker = startRexThread(memoryMb);
    this.worker.unref();
    this.worker.once("error", () => {
      this.dead = true;
    });
    this.worker.once("exit", () => {
      this.dead = true;
    });
  }

  /**
   * The thread, given its job, if its heap limit is exactly `memoryMb` and it is alive; otherwise ends it
   * and returns undefined (the caller starts a thread of its own). At most once.
   */
  take(memoryMb: number, job: RexJob): Worker | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    if (this.dead || memoryMb !== this.memoryMb) {
      void this.worker.terminate();
      return undefined;
    }
    this.worker.ref();
    this.worker.postMessage(job);
    return this.worker;
  }

  /** Ends the thread unless it was taken (a run that ended before it needed it). */
  discard(): void {
    if (this.taken) return;
    this.taken = true;
    void this.worker.terminate();
  }
}
