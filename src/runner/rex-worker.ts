// Worker-thread entry for `runRexIsolated` / `runBundleIsolated`: runs one job (rex-job.ts: a script with
// runRex, or a prepared bundle with runBundle) and posts the result back. Started with its job
// (workerData), or prestarted without one: then it loads the runner and runs the first job posted to it.
// Kept small: it turns the compile cache on before the runner loads, and starts compiling cedar-wasm on
// V8's background threads while the runner loads on this one.
// Imported only as a Worker script: it acts only inside a worker started with `sigrunRexWorker`.
import { statSync } from "node:fs";
import nodeModule from "node:module";
import { setFlagsFromString } from "node:v8";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { preloadCedar } from "../policy/cedar-module.js";
import type { RexJob } from "./rex-job.js";

type RexWorkerData = { readonly sigrunRexWorker: true } & (RexJob | { readonly opts?: undefined }) & {
    /** The parent thread's compile cache directory: this thread's modules come from it too. */
    readonly compileCache?: string;
  };

/**
 * The runner: the build's one-file bundle of rex-job.js and all it loads (scripts/bundle-runner.mjs; one
 * file loads several times faster than the ~150 modules it holds), or rex-job.js itself when the bundle
 * is missing or older than it (a compile without the bundle step never runs stale code).
 */
function runnerUrl(): string {
  const plain = new URL("./rex-job.js", import.meta.url);
  const bundled = new URL("./rex-job.bundle.js", import.meta.url);
  try {
    if (statSync(bundled).mtimeMs >= statSync(plain).mtimeMs) return bundled.href;
  } catch {
    // no bundle
  }
  return plain.href;
}

async function serve(port: NonNullable<typeof parentPort>, data: RexWorkerData): Promise<void> {
  if (data.compileCache !== undefined) {
    try {
      nodeModule.enableCompileCache(data.compileCache);
    } catch {
      // the runner loads without the cache
    }
  }
  // V8 validates each of cedar-wasm's functions when it first compiles it (lazily, on its first call)
  // rather than all of them up front: a run calls a small part of them, and no function runs unvalidated.
  // Compiling the module then takes about a third of the CPU time (~8 instead of ~27 ms).
  setFlagsFromString("--wasm-lazy-validation");
  const cedar = preloadCedar();
  const job: Promise<RexJob> =
    data.opts !== undefined
      ? Promise.resolve(data as RexJob)
      : new Promise((resolve) => port.once("message", (m: RexJob) => resolve(m)));
  const { runJob } = (await import(runnerUrl())) as typeof import("./rex-job.js");
  await cedar;
  const j = await job;
  port.postMessage({ started: true });
  try {
    port.postMessage({ ok: true, result: await runJob(j) });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
}

if (!isMainThread && parentPort && (workerData as Partial<RexWorkerData>)?.sigrunRexWorker === true) {
  void serve(parentPort, workerData as RexWorkerData);
}
