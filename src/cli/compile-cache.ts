import { lstatSync, mkdirSync } from "node:fs";
import nodeModule from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/** Why the compile cache is or is not on (for tests and SIGRUN_DEBUG; the CLI never reports it). */
export type CompileCacheOutcome = { enabled: true; directory: string } | { enabled: false; reason: string };

/**
 * Where the CLI keeps V8's compiled code: `$XDG_CACHE_HOME/sigrun/compile-cache` (an absolute
 * XDG_CACHE_HOME only, as the XDG spec says), else `~/.cache/sigrun/compile-cache`; undefined when
 * `SIGRUN_NO_COMPILE_CACHE=1` or there is no home directory.
 */
export function compileCacheDir(env: NodeJS.ProcessEnv, home: () => string = homedir): string | undefined {
  if (env.SIGRUN_NO_COMPILE_CACHE === "1") return undefined;
  const xdg = env.XDG_CACHE_HOME;
  let base: string;
  if (xdg !== undefined && isAbsolute(xdg)) base = xdg;
  else {
    const h = home();
    if (!h || !isAbsolute(h)) return undefined;
    base = join(h, ".cache");
  }
  return join(base, "sigrun", "compile-cache");
}

/** Depth of missing directories created above the cache directory (its parents `sigrun/` and `.cache/`). */
const MAX_CREATED = 3;

/**
 * Creates `dir` and missing parents one level at a time (not `recursive: true`: Node's recursive mkdir
 * spins forever where mkdir answers ENOENT under an existing parent, e.g. below /proc).
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    try {
      lstatSync(cur);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    missing.push(cur);
    if (missing.length > MAX_CREATED) throw new Error("too many missing parents");
    const up = dirname(cur);
    if (up === cur) throw new Error("no existing ancestor");
    cur = up;
  }
  for (const d of missing.reverse()) mkdirSync(d, { mode: 0o700 });
}

/**
 * Turns on Node's on-disk compile cache (`module.enableCompileCache`) for the modules loaded after this
 * call, so later runs skip parsing and compiling the CLI's JavaScript. Never throws and never writes
 * anything: a missing API (Node < 22.1), an unwritable or foreign directory, or any error leaves the cache
 * off and the CLI runs as before. The directory must be the user's own and not writable by group or
 * others (the cache holds code Node will run).
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): CompileCacheOutcome {
  try {
    const dir = compileCacheDir(env);
    if (dir === undefined) return { enabled: false, reason: "disabled" };
    const enable = (nodeModule as { enableCompileCache?: typeof nodeModule.enableCompileCache })
      .enableCompileCache;
    if (typeof enable !== "function") return { enabled: false, reason: "this Node has no compile cache" };
    makeDirs(dir);
    const st = lstatSync(dir);
    if (!st.isDirectory()) return { enabled: false, reason: `${dir}: not a directory` };
    const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
    if (uid !== undefined && st.uid !== uid)
      return { enabled: false, reason: `${dir}: not owned by this user` };
    if ((st.mode & 0o022) !== 0) return { enabled: false, reason: `${dir}: writable by group or others` };
    const r = enable(dir);
    const { FAILED, DISABLED } = nodeModule.constants.compileCacheStatus;
    if (r.status === FAILED || r.status === DISABLED)
      return { enabled: false, reason: r.message ?? "not enabled" };
    return { enabled: true, directory: r.directory ?? dir };
  } catch (err) {
    return { enabled: false, reason: (err as Error).message };
  }
}
