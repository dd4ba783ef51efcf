#!/usr/bin/env node
import { runCli } from "./entry.js";

runCli(process.argv).then((code) => {
  process.exitCode = code;
});
