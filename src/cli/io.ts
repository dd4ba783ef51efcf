import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import type { ByteSource } from "../bundle/tar-scan.js";
import { SigrunError } from "../core/errors.js";

/** Reads a file the user named (`-`: stdin), mapping failures to IO_ERROR with the path. */
export function readInput(path: string, what = "file"): Uint8Array {
  if (path === "-") claimStdin(what);
  try {
    const b = readFileSync(path === "-" ? 0 : path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? "cannot read"}`,
      { cause: err },
    );
  }
}

/** A regular file opened for reading by position (`openInput`); `close` it when done. */
export interface InputFile extends ByteSource {
  close(): void;
}

/**
 * Opens a file the user named for reading in chunks (a large bundle is never copied whole into memory),
 * with `readInput`'s IO_ERROR messages. `-` (stdin) and anything but a regular file (a pipe, a FIFO, a
 * device) are read whole at once from the one open, as `readInput` does.
 */
export function openInput(path: string, what = "file"): InputFile | Uint8Array {
  if (path === "-") return readInput(path, what);
  const fail = (err: unknown): SigrunError =>
    new SigrunError("IO_ERROR", `${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? "cannot read"}`, {
      cause: err,
    });
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw fail(err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const b = readFileSync(fd);
      closeSync(fd);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    return {
      size: st.size,
      read(into, position) {
        try {
          return readSync(fd, into, 0, into.byteLength, position);
        } catch (err) {
          throw fail(err);
        }
      },
      close: () => closeSync(fd),
    };
  } catch (err) {
    closeSync(fd);
    throw fail(err);
  }
}

/** Marks the process once stdin has been read for one of the command's inputs (see `claimStdin`). */
const STDIN_CLAIMED = Symbol.for("sigrun.cli.stdinClaimed");

/**
 * Every `-` input of a command reads stdin, which can be read once: a second `-` (`verify-file - --sig -`)
 * would read nothing and fail with a misleading reason, so it is a usage error naming both inputs.
 */
export function claimStdin(what: string): void {
  const p = process as { [STDIN_CLAIMED]?: string };
  const first = p[STDIN_CLAIMED];
  if (first !== undefined)
    throw new SigrunError(
      "USAGE",
      `${first} and ${what} both name \`-\` (stdin), which can be read only once; give one of them as a file`,
    );
  p[STDIN_CLAIMED] = what;
}

/**
 * The `-o DIR` of a verb that writes several files (one per input, or a key pair): stdout (`-`) cannot
 * hold them, so `-` is a usage error instead of a directory named `-`.
 */
export function outputDir(path: string, flag = "-o", what = "a directory"): string {
  if (path === "-")
    throw new SigrunError(
      "USAGE",
      `${flag} -: this writes several files, not one stream to stdout; give ${what}`,
    );
  return path;
}

/**
 * The `--trust DIR|FILE…` paths of a verifying verb: at least one (else a usage error rather than an
 * empty trust store); `-` is one key file on stdin (loadTrustStore reads it), claimed once.
 */
export function trustPaths(paths: readonly string[], verb: string): readonly string[] {
  if (paths.length === 0)
    throw new SigrunError(
      "USAGE",
      `${verb}: give --trust DIR|FILE (trusted signer keys), or set \`trust\` in the config file`,
    );
  if (paths.includes("-")) claimStdin("--trust");
  return paths;
}

/** Verbs that record each input under its file name (attestations, countersignatures) need named files. */
export function namedInputs(files: readonly string[], verb: string): readonly string[] {
  if (files.includes("-"))
    throw new SigrunError(
      "USAGE",
      `${verb} -: each artifact is recorded under its file name and stdin has none; save it to a file first`,
    );
  return files;
}

/**
 * Writes a file atomically (temp name in the same directory + fsync + rename + directory fsync) so a crash
 * never leaves a half-written output. `-` writes to stdout.
 * `mode` 0o600 for secrets. Refuses to overwrite unless `overwrite`.
 */
export function writeOutput(
  path: string,
  data: Uint8Array | string,
  opts: { mode?: number; overwrite?: boolean } = {},
): void {
  if (path === "-") {
    process.stdout.write(data);
    return;
  }
  if (!opts.overwrite && existsSync(path))
    throw new SigrunError("IO_ERROR", `${path}: exists; refusing to overwrite`);
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  let fd = -1;
  try {
    fd = openSync(tmp, "wx", opts.mode ?? 0o644);
    if (opts.mode !== undefined) chmodSync(tmp, opts.mode);
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
    syncDir(dirname(path));
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {}
    throw new SigrunError("IO_ERROR", `${path}: ${(err as NodeJS.ErrnoException).code ?? "cannot write"}`, {
      cause: err,
    });
  }
}

/** fsync a directory so a rename in it survives a crash (best effort where directories cannot be opened). */
function syncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some platforms refuse fsync on a directory; the file itself is already synced
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Reads a secret (passphrase, shared secret) from a file or an environment variable — never from argv.
 * A single trailing newline in a file is removed.
 */
export function readSecret(opts: { file?: string; env?: string }, what: string): string | undefined {
  if (opts.file !== undefined && opts.env !== undefined) {
    throw new SigrunError("USAGE", `${what}: give either a file or an environment variable, not both`);
  }
  if (opts.file !== undefined) {
    return Buffer.from(readInput(opts.file, `${what} file`))
      .toString("utf8")
      .replace(/\r?\n$/, "");
  }
  if (opts.env !== undefined) {
    const v = process.env[opts.env];
    if (v === undefined)
      throw new SigrunError("USAGE", `${what}: environment variable ${opts.env} is not set`);
    return v;
  }
  return undefined;
}

/** Marks stdout once a verb has printed its JSON document: a later failure then adds no second object. */
const JSON_PRINTED = Symbol.for("sigrun.cli.jsonPrinted");

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  (process.stdout as { [JSON_PRINTED]?: boolean })[JSON_PRINTED] = true;
}

/** True when this process already printed a JSON document on stdout (its own report of the failure). */
export function jsonPrinted(): boolean {
  return (process.stdout as { [JSON_PRINTED]?: boolean })[JSON_PRINTED] === true;
}

/**
 * A reader that closes our stdout early (`sigrun demo | head -3`) ends the output quietly: later writes
 * are dropped, so the verb still finishes and cleans up (no temporary directory left) and exits with
 * its own status; no EPIPE stack trace is printed. Installed once by the CLI entry.
 */
export function quietOnClosedOutput(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on("error", () => {
    stream.write = ((_chunk: unknown, enc?: unknown, cb?: unknown) => {
      const done = typeof enc === "function" ? enc : cb;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  });
}

/**
 * Node 22.x prints "ExperimentalWarning: SQLite is an experimental feature…" whenever `node:sqlite` loads
 * (Node 24 does not): noise on every agent, audit, jobs and host command of a supported Node (engines
 * >= 22.13). Drops exactly that warning; every other warning is printed as before. Installed once by the
 * CLI entry, before any verb loads.
 */
export function quietSqliteExperimentalWarning(): void {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const opt = rest[0];
    const type = typeof opt === "string" ? opt : (opt as { type?: unknown } | undefined)?.type;
    const message = typeof warning === "string" ? warning : warning.message;
    if (type === "ExperimentalWarning" && message.startsWith("SQLite is an experimental feature")) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
}

/**
 * True for a streaming verb's write failure because the reader of its stdout went away (`| head`): the
 * verb then ends quietly with status 0, as for any other verb (see `quietOnClosedOutput`). Only for
 * verbs whose sole pipe output is stdout.
 */
export function outputClosedEarly(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return (err as { code?: unknown } | undefined)?.code === "IO_ERROR" && cause?.code === "EPIPE";
}

/** A one-line result message on stderr ("wrote x.sig"), unless `-q`. */
export function note(message: string, quiet?: boolean): void {
  if (!quiet) process.stderr.write(`${message}\n`);
}

/** Checks a URL flag: parseable and of one of `schemes` (e.g. ["http", "https"]); else a USAGE error naming the form. */
export function checkUrl(value: string, flag: string, schemes: readonly string[]): string {
  const form = schemes.map((s) => `${s}://host:port`).join(" or ");
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    u = undefined;
  }
  if (u === undefined || !schemes.includes(u.protocol.slice(0, -1)) || u.host === "")
    throw new SigrunError("USAGE", `${flag}: expected ${form}, got ${JSON.stringify(value)}`);
  return value;
}
