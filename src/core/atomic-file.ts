import { randomBytes } from "node:crypto";
import { close, constants, createWriteStream, fchmod, fsync, openSync, type WriteStream } from "node:fs";
import { type FileHandle, link, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { finished } from "node:stream/promises";
import { promisify } from "node:util";
import { SigrunError } from "./errors.js";

export interface AtomicFileOptions {
  /** File mode of the new file (default 0o644; use 0o600 for secrets and plaintext). */
  readonly mode?: number;
  /** Replace an existing file at `path` (default false: committing fails with IO_ERROR if it exists). */
  readonly overwrite?: boolean;
}

/**
 * A file that appears at `path` only when `commit()` succeeds: data goes to a temporary file in the same
 * directory, which is fsynced and renamed into place (then the directory is fsynced). `abort()` — or any
 * failure — removes the temporary file, so nothing partial is ever left at `path`.
 */
export interface AtomicFile {
  readonly path: string;
  readonly tempPath: string;
  /** Write here, or pipe into it (letting the pipe end it); `commit()` ends it if still open. */
  readonly stream: WriteStream;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

function ioError(path: string, err: unknown): SigrunError {
  return new SigrunError("IO_ERROR", `${path}: ${(err as NodeJS.ErrnoException).code ?? "cannot write"}`, {
    cause: err,
  });
}

async function fsyncDir(dir: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await open(dir, constants.O_RDONLY);
    await h.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await h?.close().catch(() => {});
  }
}

/** Opens a temporary file next to `path` (same directory, so the final rename is atomic). */
export async function openAtomicFile(path: string, opts: AtomicFileOptions = {}): Promise<AtomicFile> {
  const dir = dirname(path);
  const tempPath = join(dir, `.${basename(path)}.tmp-${randomBytes(6).toString("hex")}`);
  let fd: number;
  try {
    fd = openSync(tempPath, "wx", opts.mode ?? 0o644);
    if (opts.mode !== undefined) await promisify(fchmod)(fd, opts.mode);
  } catch (err) {
    throw ioError(path, err);
  }
  // A plain fd (not a FileHandle): the stream must not close it, so it can be fsynced after 'finish'.
  const stream = createWriteStream("", { fd, autoClose: false, highWaterMark: 1024 * 1024 });
  let state: "open" | "committed" | "aborted" = "open";
  let fdOpen = true;
  const closeFd = async (): Promise<void> => {
    if (!fdOpen) return;
    fdOpen = false;
    await promisify(close)(fd);
  };

  const abort = async (): Promise<void> => {
    if (state !== "open") return;
    state = "aborted";
    if (fdOpen) {
      // An fs stream closes its descriptor when destroyed, whatever autoClose says (a failed pipeline
      // destroys it too): let the stream close it, once, instead of a second close(2) that could hit a
      // descriptor number already reused by another open.
      fdOpen = false;
      stream.on("error", () => {});
      if (!stream.destroyed) stream.destroy();
      if (!stream.closed) await new Promise<void>((resolve) => stream.once("close", () => resolve()));
    }
    await unlink(tempPath).catch(() => {});
  };

  const commit = async (): Promise<void> => {
    if (state !== "open") throw new SigrunError("INTERNAL", `${path}: atomic file already ${state}`);
    try {
      if (!stream.writableEnded) stream.end();
      await finished(stream);
      await promisify(fsync)(fd);
      await closeFd();
      if (opts.overwrite) {
        await rename(tempPath, path);
      } else {
        // link(2) fails with EEXIST instead of replacing: no-clobber and atomic.
        await link(tempPath, path);
        await unlink(tempPath);
      }
      state = "committed";
    } catch (err) {
      await abort();
      throw ioError(path, err);
    }
    await fsyncDir(dir);
  };

  return { path, tempPath, stream, commit, abort };
}

/** Writes `data` to `path` atomically (temp file + fsync + rename). */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  opts: AtomicFileOptions = {},
): Promise<void> {
  const f = await openAtomicFile(path, opts);
  try {
    await new Promise<void>((resolve, reject) => {
      f.stream.write(data, (err) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    await f.abort();
    throw ioError(path, err);
  }
  await f.commit();
}
