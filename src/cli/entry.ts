import { execute, newProgram } from "./base.js";
import { type CliContext, VERB_LOADERS } from "./commands/loaders.js";

/**
 * Runs the CLI on argv (node-style, two leading entries) and returns the process exit code. Only the
 * invoked verb's module is loaded; an unknown verb or the top-level help loads them all.
 */
export async function runCli(argv: string[], ctx: CliContext = {}): Promise<number> {
  const verb = argv[2];
  const loaders =
    verb !== undefined && Object.hasOwn(VERB_LOADERS, verb)
      ? [VERB_LOADERS[verb]!]
      : Object.values(VERB_LOADERS);
  const program = newProgram();
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program, ctx);
  return execute(program, argv);
}
