// Worker-thread entry: receives one RunRequest per message, runs it with the runner module and posts the
// result back. Imported only as a Worker script (no side effects when imported elsewhere: it checks
// that it runs in a worker with a parent port).
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { type CompiledCedar, loadCedar } from "../policy/index.js";

interface WorkerInput {
  readonly runnerModule: string;
  /** cedar-wasm compiled by the pool, shared by its workers (see policy's loadCedar). */
  readonly cedar?: CompiledCedar;
}

interface RunMessage {
  readonly id: number;
  readonly req: {
    readonly script: string;
    readonly policy: string;
    readonly user?: string;
    readonly osUser?: string;
    readonly limits: Record<string, number | undefined>;
    readonly cwd: string;
    readonly bundleId: string;
    readonly args?: Record<string, unknown>;
  };
}

type RunScript = (opts: Record<string, unknown>) => Promise<unknown>;

async function serve(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  let runScript: RunScript | undefined;
  let loading: Promise<RunScript> | undefined;
  const load = (): Promise<RunScript> => {
    if (input.cedar && !loading) {
      try {
        loadCedar(input.cedar);
      } catch {
        // the runner loads (and compiles) cedar-wasm itself
      }
    }
    loading ??= import(input.runnerModule).then(
      (mod: { runScript?: RunScript; createRunner?: () => RunScript }) => {
        // createRunner (the sigrun runner) keeps parsed policy sets across this worker's runs
        if (typeof mod.createRunner === "function") return mod.createRunner();
        if (typeof mod.runScript !== "function") throw new Error("runner module has no runScript");
        return mod.runScript;
      },
    );
    return loading;
  };
  port.on("message", async (msg: RunMessage | { warm: true }) => {
    if ("warm" in msg) {
      // pre-load the runner (and what it loads lazily) before the first job arrives
      // and run a trivial script so lazily loaded parts (the Cedar wasm module) are ready too
      load()
        .then((run) => run({ script: "0", policy: "", monitoring: false }))
        .catch(() => undefined);
      return;
    }
    try {
      runScript ??= await load();
      const { script, policy, user, osUser, limits, cwd, bundleId, args } = msg.req;
      const runnerLimits: Record<string, number> = {};
      if (limits.maxOperations !== undefined) runnerLimits.maxOperations = limits.maxOperations;
      if (limits.wallClockMs !== undefined) runnerLimits.maxWallMs = limits.wallClockMs;
      if (limits.maxOutputBytes !== undefined) runnerLimits.maxOutputBytes = limits.maxOutputBytes;
      const output = await runScript({
        script,
        policy,
        user,
        limits: runnerLimits,
        cwd,
        context: { bundleId, osUser },
        args,
        explain: true,
        monitoring: false,
      });
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
