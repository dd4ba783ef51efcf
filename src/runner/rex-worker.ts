// Worker-thread entry for `runRexIsolated` / `runBundleIsolated`: runs one script with runRex (or one
// prepared bundle with runBundle) and posts the result back. Started with its job (workerData), or
// prestarted without one: then it loads the runner and cedar-wasm and runs the first job posted to it.
// Imported only as a Worker script: it acts only inside a worker started with `sigrunRexWorker`.
import nodeModule from "node:module";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { BundleInvocation } from "./bundle-invocation.js";
import type { RunBundleOptions } from "./run-bundle.js";
import type { RunScriptOptions } from "./run-script.js";

type RexJob =
  | { readonly opts: RunScriptOptions; readonly bundle?: undefined }
  | { readonly opts: RunBundleOptions; readonly bundle: BundleInvocation };

type RexWorkerData = { readonly sigrunRexWorker: true } & (RexJob | { readonly opts?: undefined }) & {
    /** The parent thread's compile cache directory: this thread's modules come from it too. */
    readonly compileCache?: string;
  };

async function serve(port: NonNullable<typeof parentPort>, data: RexWorkerData): Promise<void> {
  if (data.compileCache !== undefined) {
    try {
      nodeModule.enableCompileCache(data.compileCache);
    } catch {
      // the modules load without the cache
    }
  }
  // cedar-wasm compiles on V8's background threads while the runner's modules load on this one
  const cedar = import("../policy/cedar-module.js").then(async (m) => {
    try {
      m.loadCedar(await m.compileCedar());
    } catch {
      // the runner loads (and compiles) cedar-wasm itself on first use
    }
  });
  const job: Promise<RexJob> =
    data.opts !== undefined
      ? Promise.resolve(data as RexJob)
      : new Promise((resolve) => port.once("message", (m: RexJob) => resolve(m)));
  // the interpreter and the host bindings too (run-script loads them on first use), before the job comes
  const [script, bundle] = await Promise.all([
    import("./run-script.js"),
    import("./run-bundle.js"),
    import("./engine-bridge.js"),
    cedar,
  ]);
  const j = await job;
  port.postMessage({ started: true });
  try {
    const result =
      j.bundle === undefined ? await script.runRex(j.opts) : await bundle.runBundle(j.bundle, j.opts);
    port.postMessage({ ok: true, result });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
}

if (!isMainThread && parentPort && (workerData as Partial<RexWorkerData>)?.sigrunRexWorker === true) {
  void serve(parentPort, workerData as RexWorkerData);
}
