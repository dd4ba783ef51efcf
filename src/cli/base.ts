import { Command, CommanderError } from "commander";
import { isSigrunError } from "../core/index.js";
import { exitCodeFor } from "./exit-codes.js";

/** The bare `sigrun` program, before any verb is registered. */
export function newProgram(): Command {
  return new Command("sigrun")
    .description(
      "Keeps key holders in control of what runs and what gets signed on machines they do not trust.",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
}

/** Parses argv (node-style, two leading entries) and runs the verb; returns the process exit code. */
export async function execute(program: Command, argv: string[]): Promise<number> {
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
