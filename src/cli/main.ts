#!/usr/bin/env node
import { enableCompileCache } from "./compile-cache.js";

// Before any other module of the CLI loads, so that all of them come from the compile cache.
enableCompileCache();
import("./entry.js")
  .then(({ runCli }) => runCli(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
