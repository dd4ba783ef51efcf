import { Command, CommanderError } from "commander";
import { isSigrunError } from "../core/errors.js";
import { sigrunVersion } from "../core/version.js";
import { applyConfig } from "./config.js";
import { exitCodeFor } from "./exit-codes.js";
import { jsonPrinted } from "./io.js";

/**
 * The bare `sigrun` program, before any verb is registered. Conventions every verb inherits (docs/cli.md
 * "Conventions"): usage errors are one line plus a pointer to the verb's help, `--json` failures are
 * a JSON object on stdout, and nothing but a one-line coded message ever reaches the user.
 */
export function newProgram(): Command {
  return new Command("sigrun")
    .description(
      "Keeps key holders in control of what runs and what gets signed on machines they do not trust.",
    )
    .version(sigrunVersion())
    .configureOutput({ outputError: () => {} })
    .exitOverride();
}

/** The verb path named by `args` (`["bundle", "sign", "x"]` → `bundle sign`), as far as it exists. */
export function verbPath(program: Command, args: readonly string[]): string {
  const path: string[] = [];
  let cmd = program;
  for (const a of args) {
    if (a.startsWith("-")) break;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    path.push(sub.name());
    cmd = sub;
  }
  return path.join(" ");
}

/** True when `--json` appears among the options (before a `--` terminator). */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).includes("--json");
}

/** The failure object `--json` verbs print on stdout (docs/cli.md "JSON output"). */
export function failureJson(code: string, message: string): string {
  return `${JSON.stringify({ version: 1, ok: false, code, message })}\n`;
}

interface Failure {
  readonly code: string;
  readonly message: string;
  readonly exit: number;
  readonly debug?: string;
}

function classify(err: unknown): Failure {
  if (isSigrunError(err)) {
    const cause = err.cause as Error | undefined;
    return {
      code: err.code,
      message: err.message,
      exit: exitCodeFor(err.code),
      ...(cause ? { debug: String(cause.stack ?? cause) } : {}),
    };
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "ERR_INVALID_URL")
    return {
      code: "USAGE",
      message: `invalid URL ${JSON.stringify((e as { input?: string }).input ?? "")}`,
      exit: 2,
    };
  if (e?.code === "EPIPE") return { code: "IO_ERROR", message: "output closed early", exit: 0 };
  return {
    code: "INTERNAL",
    message: `${e?.message ?? String(err)} (run with SIGRUN_DEBUG=1 for details)`,
    exit: 1,
    debug: String(e?.stack ?? err),
  };
}

/** Parses argv (node-style, two leading entries) and runs the verb; returns the process exit code. */
export async function execute(program: Command, argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const json = wantsJson(args);
  const path = verbPath(program, args);
  if (args.length === 0) {
    // bare `sigrun`: the help on stdout, exit 2 (a usage error); `sigrun --help` exits 0
    process.stdout.write(program.helpInformation());
    return 2;
  }
  try {
    await applyConfig(program, path, args);
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      // a verb group without its sub-verb (`sigrun bundle`): commander printed its help on stderr
      if (err.code === "commander.help") return err.exitCode === 0 ? 0 : 2;
      const message = err.message.replace(/^error: /, "");
      report({ code: "USAGE", message, exit: 2 }, path, json);
      return 2;
    }
    const f = classify(err);
    if (f.exit === 0) return 0;
    report(f, path, json);
    return f.exit;
  }
}

function report(f: Failure, path: string, json: boolean): void {
  if (json && !jsonPrinted()) writeQuietly(process.stdout, failureJson(f.code, f.message));
  const hint = f.code === "USAGE" ? `\nsee \`sigrun ${path ? `${path} ` : ""}--help\`` : "";
  writeQuietly(process.stderr, `sigrun: ${f.code}: ${f.message}${hint}\n`);
  if (process.env.SIGRUN_DEBUG && f.debug) writeQuietly(process.stderr, `${f.debug}\n`);
}

function writeQuietly(stream: NodeJS.WriteStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // a closed stream: nothing left to tell
  }
}
