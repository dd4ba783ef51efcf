#!/usr/bin/env node
import { enableCompileCache } from "./compile-cache.js";

// Before any other module of the CLI loads, so that all of them come from the compile cache.
enableCompileCache();
// `sigrun run -s … -p …`: the script thread starts first and loads while the CLI does (run-prestart.ts).
const prestart =
  process.argv[2] === "run"
    ? import("./run-prestart.js").then((m) => m.prestartRunThread(process.argv))
    : Promise.resolve(undefined);
prestart
  .then((rexThread) =>
    Promise.all([import("./io.js"), import("./entry.js")]).then(([io, { runCli }]) => {
      io.quietOnClosedOutput(process.stdout);
      io.quietOnClosedOutput(process.stderr);
      return runCli(process.argv, { rexThread });
    }),
  )
  .then((code) => {
    process.exitCode = code;
  });
