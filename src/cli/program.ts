import type { Command } from "commander";
import { newProgram } from "./base.js";
import { COMMANDS } from "./commands/index.js";

export { runCli } from "./entry.js";

/** Builds the whole CLI with every verb (tests and tools that inspect the flags use this). */
export function buildProgram(): Command {
  const program = newProgram();
  for (const register of COMMANDS) register(program);
  return program;
}
