// Worker-thread entry for `runRexIsolated` / `runBundleIsolated`: runs one script with runRex (or one
// prepared bundle with runBundle) and posts the result back.
// Imported only as a Worker script: it acts only inside a worker started with `sigrunRexWorker`.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { BundleInvocation } from "./bundle-invocation.js";
import type { RunBundleOptions } from "./run-bundle.js";
import type { RunScriptOptions } from "./run-script.js";

type RexWorkerData =
  | { readonly sigrunRexWorker: true; readonly opts: RunScriptOptions; readonly bundle?: undefined }
  | { readonly sigrunRexWorker: true; readonly opts: RunBundleOptions; readonly bundle: BundleInvocation };

async function serve(port: NonNullable<typeof parentPort>, data: RexWorkerData): Promise<void> {
  const run =
    data.bundle === undefined
      ? await import("./run-script.js").then((m) => () => m.runRex(data.opts))
      : await import("./run-bundle.js").then((m) => () => m.runBundle(data.bundle, data.opts));
  port.postMessage({ started: true });
  try {
    port.postMessage({ ok: true, result: await run() });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
}

if (!isMainThread && parentPort && (workerData as Partial<RexWorkerData>)?.sigrunRexWorker === true) {
  void serve(parentPort, workerData as RexWorkerData);
}
