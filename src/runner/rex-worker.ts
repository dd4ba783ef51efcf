// Worker-thread entry for `runRexIsolated`: runs one script with runRex and posts the result back.
// Imported only as a Worker script: it acts only inside a worker started with `sigrunRexWorker`.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { RunScriptOptions } from "./run-script.js";

interface RexWorkerData {
  readonly sigrunRexWorker: true;
  readonly opts: RunScriptOptions;
}

async function serve(port: NonNullable<typeof parentPort>, data: RexWorkerData): Promise<void> {
  const { runRex } = await import("./run-script.js");
  port.postMessage({ started: true });
  try {
    port.postMessage({ ok: true, result: await runRex(data.opts) });
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
}

if (!isMainThread && parentPort && (workerData as Partial<RexWorkerData>)?.sigrunRexWorker === true) {
  void serve(parentPort, workerData as RexWorkerData);
}
