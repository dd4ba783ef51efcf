#!/usr/bin/env node
import { cachedHelp } from "./cached-help.js";

const help = cachedHelp(process.argv, process.stdout.isTTY === true);
if (help !== undefined) {
  // the top-level help, as the build wrote it: no verb loads (cached-help.ts)
  // a reader that closed early (`sigrun --help | head -1`) ends it quietly, as io.quietOnClosedOutput does
  process.stdout.on("error", () => {});
  process.stdout.write(help.text);
  process.exitCode = help.exitCode;
} else {
  import("./compile-cache.js")
    .then(({ enableCompileCache }) => {
      // Before any other module of the CLI loads, so that all of them come from the compile cache.
      enableCompileCache();
      // `sigrun run -s … -p …`: the script thread starts first and loads while the CLI does (run-prestart.ts).
      return process.argv[2] === "run"
        ? import("./run-prestart.js").then((m) => m.prestartRunThread(process.argv))
        : undefined;
    })
    .then((rexThread) =>
      Promise.all([import("./io.js"), import("./entry.js")]).then(([io, { runCli }]) => {
        io.quietOnClosedOutput(process.stdout);
        io.quietOnClosedOutput(process.stderr);
        io.quietSqliteExperimentalWarning();
        return runCli(process.argv, { rexThread });
      }),
    )
    .then((code) => {
      process.exitCode = code;
    });
}
