#!/usr/bin/env node
// Build step (after tsc): bundles what the script thread runs, dist/src/runner/rex-job.js, and every
// module of sigrun it loads (the interpreter, the host API and its bindings, the policy engine) into one
// file, dist/src/runner/rex-job.bundle.js. `sigrun run` starts that thread once per script; one file
// loads several times faster than the ~150 modules it holds (module resolution and linking dominated its
// start-up; bench/runner-cedar.ts). Packages stay imports of their own. The thread's entry (rex-worker.ts) uses
// the bundle only while it is not older than rex-job.js, so a bare `tsc` never runs stale code.
// Without esbuild (a production install) the step is skipped and the thread loads the modules.
import { renameSync } from "node:fs";

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  console.error("bundle-runner: esbuild is not installed; the script thread loads its modules one by one");
  process.exit(0);
}
const out = new URL("../dist/src/runner/rex-job.bundle.js", import.meta.url).pathname;
const tmp = `${out}.tmp-${process.pid}`;
await esbuild.build({
  entryPoints: [new URL("../dist/src/runner/rex-job.js", import.meta.url).pathname],
  outfile: tmp,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  keepNames: true,
  // keep every module whole: package.json says `sideEffects: false`, which would drop rex-job's bare import
  ignoreAnnotations: true,
  logLevel: "warning",
});
renameSync(tmp, out);
