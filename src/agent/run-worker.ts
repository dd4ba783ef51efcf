// Worker-thread entry: receives one RunRequest per message, runs its prepared bundle with the runner
// module's `runBundle` (the function `sigrun run job.sgb` runs too) and posts Rex's output object back.
// Imported only as a Worker script (no side effects when imported elsewhere: it checks that it runs in a
// worker with a parent port).
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { type CompiledCedar, loadCedar } from "../policy/index.js";
import type { BundleInvocation, RunBundleOptions } from "../runner/index.js";
import type { RunRequest } from "./types.js";

interface WorkerInput {
  readonly runnerModule: string;
  /** cedar-wasm compiled by the pool, shared by its workers (see policy's loadCedar). */
  readonly cedar?: CompiledCedar;
}

interface RunMessage {
  readonly id: number;
  readonly req: RunRequest;
}

type RunBundle = (inv: BundleInvocation, opts?: RunBundleOptions) => Promise<{ output: unknown }>;

/** A trivial bundle run at warm-up, so lazily loaded parts (the Cedar wasm module) are ready too. */
const WARM_UP: BundleInvocation = {
  script: "0",
  policy: "",
  principal: "warm-up",
  context: { bundleId: "0".repeat(32), osUser: "warm-up" },
  limits: { wallClockMs: 10_000, memoryMb: 16 },
};

async function serve(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  let runBundle: RunBundle | undefined;
  let loading: Promise<RunBundle> | undefined;
  const load = (): Promise<RunBundle> => {
    if (input.cedar && !loading) {
      try {
        loadCedar(input.cedar);
      } catch {
        // the runner loads (and compiles) cedar-wasm itself
      }
    }
    loading ??= import(input.runnerModule).then(
      (mod: { runBundle?: RunBundle; createBundleRunner?: () => RunBundle }) => {
        // createBundleRunner (the sigrun runner) keeps parsed policy sets across this worker's runs
        if (typeof mod.createBundleRunner === "function") return mod.createBundleRunner();
        if (typeof mod.runBundle !== "function") throw new Error("runner module has no runBundle");
        return mod.runBundle;
      },
    );
    return loading;
  };
  port.on("message", async (msg: RunMessage | { warm: true }) => {
    if ("warm" in msg) {
      // pre-load the runner (and what it loads lazily) before the first job arrives
      load()
        .then((run) => run(WARM_UP, { monitoring: false }))
        .catch(() => undefined);
      return;
    }
    try {
      runBundle ??= await load();
      const { invocation, cwd, args } = msg.req;
      // the agent always records the explanation: the receipt's error code comes from it
      const { output } = await runBundle(invocation, { cwd, args, explain: true, monitoring: false });
      port.postMessage({ id: msg.id, ok: true, output });
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      port.postMessage({
        id: msg.id,
        ok: false,
        code: typeof e?.code === "string" ? e.code : "RUNNER_ERROR",
        message: typeof e?.message === "string" ? e.message : String(err),
      });
    }
  });
}

if (!isMainThread && parentPort && (workerData as { sigrunRunWorker?: boolean })?.sigrunRunWorker) {
  void serve(parentPort, workerData as WorkerInput);
}
