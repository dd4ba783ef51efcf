import { DEFAULT_RUN_MEMORY_MB, PrestartedRexThread } from "../runner/rex-thread.js";

/**
 * `sigrun run -s … -p …` (Rex mode): the script thread the run will most likely use, started before the
 * CLI loads its modules and parses its arguments, so that the two load at the same time. Its heap limit
 * comes from a plain scan of argv for `--max-memory-mb`; the run uses the thread only if the limit it
 * parses is exactly that one (PrestartedRexThread.take), else it starts its own. Undefined for any other
 * command line (another verb, a bundle, help).
 */
export function prestartRunThread(argv: readonly string[]): PrestartedRexThread | undefined {
  if (argv[2] !== "run") return undefined;
  const args = argv.slice(3);
  const end = args.indexOf("--");
  const opts = end < 0 ? args : args.slice(0, end);
  if (opts.includes("-h") || opts.includes("--help")) return undefined;
  if (!opts.some((a) => a === "-s" || a.startsWith("--script-file"))) return undefined;
  let memoryMb = DEFAULT_RUN_MEMORY_MB;
  opts.forEach((a, i) => {
    const v =
      a === "--max-memory-mb"
        ? (opts[i + 1] ?? "")
        : a.startsWith("--max-memory-mb=")
          ? a.slice(16)
          : undefined;
    if (v !== undefined) memoryMb = /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN;
  });
  if (!(memoryMb >= 16)) return undefined;
  return new PrestartedRexThread(memoryMb);
}
