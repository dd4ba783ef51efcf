#!/usr/bin/env node
// Writes man/sigrun.1 from the command definitions (run after `npm run build`; `npm run man` does both).
// src/cli/docgen.test.ts regenerates it and fails when the checked-in page is not current.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { commandTree, manPage } from "../dist/src/cli/docgen.js";
import { buildProgram } from "../dist/src/cli/program.js";

const version = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
mkdirSync(new URL("../man/", import.meta.url), { recursive: true });
writeFileSync(new URL("../man/sigrun.1", import.meta.url), manPage(commandTree(buildProgram()), version));
