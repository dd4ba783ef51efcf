// What the script thread (rex-worker.ts) runs, with everything it loads: the build bundles this module
// into one file (scripts/bundle-runner.mjs). Imports the interpreter and the host bindings statically
// (run-script loads them on first use), so that they load before the job comes, not after.
import type { BundleInvocation } from "./bundle-invocation.js";
import "./engine-bridge.js";
import { type RunBundleOptions, runBundle } from "./run-bundle.js";
import { type RunResult, type RunScriptOptions, runRex } from "./run-script.js";

/** One script thread's job: a Rex-mode script, or a prepared bundle, with its options. */
export type RexJob =
  | { readonly opts: RunScriptOptions; readonly bundle?: undefined }
  | { readonly opts: RunBundleOptions; readonly bundle: BundleInvocation };

/** Runs one job in this thread. */
export function runJob(job: RexJob): Promise<RunResult> {
  return job.bundle === undefined ? runRex(job.opts) : runBundle(job.bundle, job.opts);
}
