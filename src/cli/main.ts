#!/usr/bin/env node
import { runCli } from "./entry.js";
import { quietOnClosedOutput } from "./io.js";

quietOnClosedOutput(process.stdout);
quietOnClosedOutput(process.stderr);

runCli(process.argv).then((code) => {
  process.exitCode = code;
});
