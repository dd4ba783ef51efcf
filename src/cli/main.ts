#!/usr/bin/env node
import { enableCompileCache } from "./compile-cache.js";

// Before any other module of the CLI loads, so that all of them come from the compile cache.
enableCompileCache();
Promise.all([import("./io.js"), import("./entry.js")])
  .then(([io, { runCli }]) => {
    io.quietOnClosedOutput(process.stdout);
    io.quietOnClosedOutput(process.stderr);
    io.quietSqliteExperimentalWarning();
    return runCli(process.argv);
  })
  .then((code) => {
    process.exitCode = code;
  });
