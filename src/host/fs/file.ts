import {
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  openSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { type CedarEntity, fileEntities } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { errnoCode, HostError, ioError, osErrorText } from "../errors.js";
import { buildPath, splitPath, validateBasename, validatePath } from "../path.js";
import type { ScriptRegex } from "../regex.js";
import type { DirHandle } from "./dir.js";
import { openDir } from "./dir.js";
import { fdPath, release, track } from "./fd.js";
import { decodeUtf8, readAllBytes, splitLines } from "./read-bytes.js";
import { printfToRegex, REDACTION_DICTIONARY, redact } from "./redaction.js";

export interface OpenFileOptions {
  read?: boolean;
  write?: boolean;
  create?: boolean;
  followSymlinks?: boolean;
  permissions?: number;
}

/** Cedar check on a file path (the entity is the File plus its directory chain). */
export function checkFile(
  ctx: HostContext,
  verb: string,
  path: string,
  context?: Record<string, unknown>,
  extraEntities?: CedarEntity[],
): void {
  validatePath(path);
  const entities = fileEntities(path);
  check(ctx, "file_system", verb, entities[0]!.uid, entities, { context, extraEntities });
}

function oflags(o: OpenFileOptions): number {
  const read = o.read === true;
  const write = o.write === true;
  let flags: number;
  if (read && write) flags = constants.O_RDWR;
  else if (read) flags = o.create ? constants.O_RDWR : constants.O_RDONLY;
  else if (write || o.create) flags = constants.O_WRONLY;
  else {
    throw new HostError(
      "InvalidArguments",
      "Invalid arguments: at least one of read or write must be enabled in OpenFileOptions",
    );
  }
  if (o.create) flags |= constants.O_CREAT;
  if (!o.followSymlinks) flags |= constants.O_NOFOLLOW;
  return flags;
}

export class FileHandle {
  readonly dir: DirHandle;
  readonly name: string;
  readonly fd: number;
  readonly resolvedPath: string | undefined;
  readonly options: OpenFileOptions;
  /**
   * Where the next `read_page` starts (Rex reads pages from the descriptor's offset). Whole-file reads
   * read from the start and set it back to 0, as Rex rewinds after them.
   */
  pageOffset = 0;

  constructor(
    dir: DirHandle,
    name: string,
    fd: number,
    resolvedPath: string | undefined,
    options: OpenFileOptions,
  ) {
    this.dir = dir;
    this.name = name;
    this.fd = fd;
    this.resolvedPath = resolvedPath;
    this.options = options;
  }

  get ctx(): HostContext {
    return this.dir.ctx;
  }

  /** The path Cedar checks use after opening (resolved target when a symlink was followed). */
  fullPath(): string {
    return this.resolvedPath ?? buildPath(this.dir.path, this.name);
  }

  close(): void {
    release(this.ctx, this.fd);
  }

  /** read F, and the handle must have been opened for reading. */
  requireRead(): void {
    checkFile(this.ctx, "read", this.fullPath());
    if (!this.options.read) {
      throw new HostError(
        "InvalidFileMode",
        `Invalid file mode: file must be opened with read option to read: ${this.fullPath()}`,
      );
    }
  }

  /** write F, and the handle must have been opened for writing. */
  requireWrite(): void {
    checkFile(this.ctx, "write", this.fullPath());
    this.requireWriteMode();
  }

  requireWriteMode(): void {
    if (!this.options.write) {
      throw new HostError(
        "InvalidFileMode",
        `Invalid file mode: file must be opened with write option to write: ${this.fullPath()}`,
      );
    }
  }

  /** read F, else redacted_read F (Rex's `determine_read_mode`). Returns true for redacted. */
  readMode(): boolean {
    try {
      this.requireRead();
      return false;
    } catch (readErr) {
      try {
        checkFile(this.ctx, "redacted_read", this.fullPath());
      } catch {
        throw readErr;
      }
      if (this.fullPath() === REDACTION_DICTIONARY) {
        throw new HostError(
          "UnsupportedOperationError",
          "Unsupported Operation error: Trying to redacted_read the redaction dictionary is not supported/allowed",
        );
      }
      return true;
    }
  }

  /** Whole content as UTF-8 (`file.read()`, `cat`). */
  read(): string {
    const redacted = this.readMode();
    this.pageOffset = 0;
    const text = decodeUtf8(readAllBytes(this.fd, this.fullPath()));
    return redacted ? redact(text, redactionPatterns(this.ctx)) : text;
  }

  /** `file.write_in_place(content)`: write F; truncate and write, same inode. */
  writeInPlace(content: string): void {
    this.requireWrite();
    refuseSharedInode(this.fd, this.fullPath());
    try {
      const bytes = Buffer.from(content, "utf8");
      ftruncateSync(this.fd, 0);
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, off);
      fsyncSync(this.fd);
    } catch (err) {
      throw ioError(err);
    }
  }

  /** `file.delete(DeleteFileOptions)`: delete F. */
  delete(opts: { force?: boolean } = {}): void {
    const original = buildPath(this.dir.path, this.name);
    checkFile(this.ctx, "delete", original);
    try {
      unlinkSync(this.dir.at(this.name));
    } catch (err) {
      if (errnoCode(err) === "ENOENT") {
        if (opts.force) return;
        throw new HostError("NotFound", `No such file or directory found: ${this.dir.path}`);
      }
      throw new HostError("FileError", `File error: Error removing file: ${this.dir.path}`);
    }
  }

  /** `file.metadata()`: stat F. */
  metadata(): import("node:fs").Stats {
    checkFile(this.ctx, "stat", this.fullPath());
    return fstatSync(this.fd);
  }
}

/**
 * `dir.open_file(name, OpenFileOptions)`: open F (+ create F with `create`), then the open itself,
 * O_NOFOLLOW unless `followSymlinks` (then open F(resolved) when the target differs). After opening,
 * the descriptor must still be the entry checked: a regular file at the same device+inode.
 */
export function openFileIn(dir: DirHandle, name: string, opts: OpenFileOptions): FileHandle {
  const ctx = dir.ctx;
  const filePath = buildPath(dir.path, name);
  checkFile(ctx, "open", filePath);
  if (opts.create) checkFile(ctx, "create", filePath);
  validateBasename(name);
  const flags = oflags(opts);
  const at = dir.at(name);
  let before: { dev: number; ino: number } | undefined;
  try {
    const st = lstatSync(at);
    if (!st.isSymbolicLink()) before = { dev: st.dev, ino: st.ino };
  } catch {
    before = undefined;
  }
  let fd: number;
  try {
    const mode =
      opts.permissions !== undefined ? opts.permissions & 0o777 : opts.followSymlinks ? 0o644 : 0o666;
    fd = openOrCreate(at, flags, mode, filePath);
  } catch (err) {
    const code = errnoCode(err);
    if (!opts.followSymlinks && code === "ELOOP") {
      throw new HostError(
        "FileError",
        `File error: file is a symbolic link but follow_symlinks is not enabled: ${filePath}`,
      );
    }
    if (code === "ENOENT") throw new HostError("IoError", osErrorText(err));
    throw ioError(err);
  }
  track(ctx, fd);
  try {
    let resolved: string | undefined;
    if (opts.followSymlinks) {
      const real = fdPath(fd, at);
      if (real !== filePath) checkFile(ctx, "open", real);
      resolved = real;
    }
    const st = fstatSync(fd);
    if (!st.isFile()) throw new HostError("ValidationError", "Validation error: argument is not a file");
    if (!opts.followSymlinks && before !== undefined && (st.dev !== before.dev || st.ino !== before.ino)) {
      throw new HostError("FileError", `File error: file changed while it was being opened: ${filePath}`);
    }
    return new FileHandle(dir, name, fd, resolved, opts);
  } catch (err) {
    release(ctx, fd);
    throw err;
  }
}

/**
 * A regular file with more than one name (hard links) is changed under all of them by an in-place
 * write, while Cedar saw one name only: refused (an atomic `write` replaces just the checked name).
 */
export function refuseSharedInode(fd: number, path: string): void {
  const st = fstatSync(fd);
  if (st.isFile() && st.nlink > 1) {
    throw new HostError(
      "PermissionDenied",
      `Permission denied: file has ${st.nlink} hard links; an in-place write would change it under names not authorized: ${path}`,
    );
  }
}

/**
 * Opens an existing entry (following a symlink only if `flags` allow); creates a file only as exactly
 * this entry: O_CREAT|O_EXCL never follows a symlink, so a dangling link cannot make the open create its
 * target somewhere `create` was not authorized.
 */
function openOrCreate(at: string, flags: number, mode: number, shown: string): number {
  if ((flags & constants.O_CREAT) === 0) return openSync(at, flags, mode);
  const plain = flags & ~constants.O_CREAT;
  for (let attempt = 0; ; attempt++) {
    try {
      return openSync(at, plain, mode);
    } catch (err) {
      if (errnoCode(err) !== "ENOENT") throw err;
    }
    try {
      return openSync(at, flags | constants.O_EXCL, mode);
    } catch (err) {
      if (errnoCode(err) !== "EEXIST") throw err;
      let link = false;
      try {
        link = lstatSync(at).isSymbolicLink();
      } catch {
        link = false;
      }
      if (link || attempt > 0) {
        throw new HostError(
          "FileError",
          `File error: will not create a file through a dangling symbolic link: ${shown}`,
        );
      }
      // created by someone else meanwhile: open the existing one
    }
  }
}

/** Rex's `open_file_from_path`: parent dir opened following symlinks, the file read-only. */
export function openFileFromPath(
  ctx: HostContext,
  path: string,
  opts: OpenFileOptions = { read: true },
): FileHandle {
  const parts = splitPath(path);
  if (parts === undefined)
    throw new HostError("InvalidArguments", `Invalid arguments: Invalid file path: ${path}`);
  const dir = openDir(ctx, parts.parent, { followSymlinks: true });
  try {
    return openFileIn(dir, parts.name, opts);
  } catch (err) {
    dir.close();
    throw err;
  }
}

/** Reads and compiles the redaction dictionary through the same Cedar checks as Rex. */
export function redactionPatterns(ctx: HostContext): ScriptRegex[] {
  const parts = splitPath(REDACTION_DICTIONARY)!;
  let dir: DirHandle;
  try {
    dir = openDir(ctx, parts.parent, { followSymlinks: true });
  } catch (err) {
    throw new HostError(
      "DirectoryError",
      `Directory error: Failed to open redaction dictionary directory: ${(err as Error).message}: ${parts.parent}`,
    );
  }
  try {
    const file = openFileIn(dir, parts.name, { read: true });
    try {
      return splitLines(file.read())
        .map((l) => l.trim())
        .filter((l) => l !== "")
        .map(printfToRegex);
    } finally {
      file.close();
    }
  } finally {
    dir.close();
  }
}
