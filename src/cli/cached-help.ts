import { readFileSync, statSync } from "node:fs";

/**
 * The top-level help for `sigrun` (exit 2: a usage error), `sigrun --help` and `sigrun -h` (exit 0), from
 * the text the build wrote (scripts/build-help.mjs: commander's own output for a stdout that is not a
 * terminal), so that printing it loads no verb. Undefined for any other command line, when stdout is a
 * terminal (commander wraps the text to its width), and when the file is missing or older than the
 * compiled CLI: then the CLI builds the help itself.
 */
export function cachedHelp(
  argv: readonly string[],
  stdoutIsTty: boolean,
): { text: string; exitCode: 0 | 2 } | undefined {
  const args = argv.slice(2);
  let exitCode: 0 | 2;
  if (args.length === 0) exitCode = 2;
  else if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) exitCode = 0;
  else return undefined;
  if (stdoutIsTty) return undefined;
  try {
    const file = new URL("./help.txt", import.meta.url);
    if (statSync(file).mtimeMs < statSync(new URL("./entry.js", import.meta.url)).mtimeMs) return undefined;
    return { text: readFileSync(file, "utf8"), exitCode };
  } catch {
    return undefined;
  }
}
