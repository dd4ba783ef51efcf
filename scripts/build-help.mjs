#!/usr/bin/env node
// Build step (after tsc): writes the top-level help, `sigrun --help` as commander prints it to a stdout
// that is not a terminal (80 columns), to dist/src/cli/help.txt. src/cli/main.ts prints that file for
// `sigrun`, `sigrun --help` and `sigrun -h` on such a stdout instead of loading every verb's module to
// build the same text (the cold start of `sigrun --help`; bench/bundle.ts), and only while the file is
// not older than the compiled CLI, so a bare `tsc` never prints a stale help.
import { renameSync, writeFileSync } from "node:fs";
import { buildProgram } from "../dist/src/cli/program.js";

const program = buildProgram();
// what commander uses when stdout is not a terminal: its default width (80), no colours
program.configureOutput({ getOutHelpWidth: () => 80, getOutHasColors: () => false });
const out = new URL("../dist/src/cli/help.txt", import.meta.url);
const tmp = new URL(`${out.href}.tmp-${process.pid}`);
writeFileSync(tmp, program.helpInformation());
renameSync(tmp, out);
