import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { SigrunError } from "../core/index.js";

/** Reads a file the user named, mapping failures to IO_ERROR with the path. */
export function readInput(path: string, what = "file"): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? "cannot read"}`,
      { cause: err },
    );
  }
}

/**
 * Writes a file atomically (temp name in the same directory + fsync + rename + directory fsync) so a crash
 * never leaves a half-written output.
 * `mode` 0o600 for secrets. Refuses to overwrite unless `overwrite`.
 */
export function writeOutput(
  path: string,
  data: Uint8Array | string,
  opts: { mode?: number; overwrite?: boolean } = {},
): void {
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

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
