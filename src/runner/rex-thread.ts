import nodeModule from "node:module";
import { Worker } from "node:worker_threads";
import type { RexJob } from "./rex-job.js";

export type { RexJob };

/** Default heap for one `sigrun run` script (the agent's workers default to 256 MiB). */
export const DEFAULT_RUN_MEMORY_MB = 512;

const WORKER_URL = new URL("./rex-worker.js", import.meta.url);

/**
 * Starts a script thread with a V8 heap limit of `memoryMb`: a script that allocates past it ends the
 * thread, not the process. With `job` the thread runs it at once; without, it loads the runner and
 * waits for one message carrying the job. The thread uses this thread's compile cache.
 */
export function startRexThread(memoryMb: number, job?: RexJob): Worker {
  const compileCache = nodeModule.getCompileCacheDir?.();
  return new Worker(WORKER_URL, {
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
      this.end();
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
    this.end();
  }

  private end(): void {
    this.dead = true;
    void this.worker.terminate();
  }
}
