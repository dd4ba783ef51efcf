import { Command, CommanderError } from "commander";
import { isSigrunError } from "../core/index.js";
import { COMMANDS } from "./commands/index.js";
import { exitCodeFor } from "./exit-codes.js";

/** Builds the CLI. Command modules register their verbs and load heavy modules only inside actions. */
export function buildProgram(): Command {
  const program = new Command("sigrun")
    .description(
      "Keeps key holders in control of what runs and what gets signed on machines they do not trust.",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI on argv (node-style, two leading entries) and returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      ) {
        return 0;
      }
      return 2;
    }
    if (isSigrunError(err)) {
      process.stderr.write(`sigrun: ${err.code}: ${err.message}\n`);
      if (process.env.SIGRUN_DEBUG && err.cause)
        process.stderr.write(`${String((err.cause as Error).stack ?? err.cause)}\n`);
      return exitCodeFor(err.code);
    }
    process.stderr.write(`sigrun: INTERNAL: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
