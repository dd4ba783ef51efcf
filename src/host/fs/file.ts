import {
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  lstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { type CedarEntity, fileEntities } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { errnoCode, HostError, ioError, osErrorText } from "../errors.js";
import { buildPath, splitPath, validateBasename, validatePath } from "../path.js";
import { compileRegex, type ScriptRegex } from "../regex.js";
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

  private readCheck(): void {
    checkFile(this.ctx, "read", this.fullPath());
    if (!this.options.read) {
      throw new HostError(
        "InvalidFileMode",
        `Invalid file mode: file must be opened with read option to read: ${this.fullPath()}`,
      );
    }
  }

  private writeCheck(): void {
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
  private readMode(): boolean {
    try {
      this.readCheck();
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
    const text = decodeUtf8(readAllBytes(this.fd, this.fullPath()));
    return redacted ? redact(text, redactionPatterns(this.ctx)) : text;
  }

  /** `file.read_lines(ReadLinesOptions)`: count < 0 = last |count| lines; start is 1-based. */
  readLines(opts: { count?: number; start?: number }): string[] {
    this.readCheck();
    const lines = splitLines(decodeUtf8(readAllBytes(this.fd, this.fullPath())));
    const { count, start } = opts;
    if (count !== undefined && count < 0) {
      const end = start !== undefined ? Math.max(0, start - 1) : lines.length;
      const n = -count;
      return lines.slice(Math.max(0, end - n), end);
    }
    if (count === undefined && start !== undefined) return lines.slice(Math.max(0, start - 1));
    if (count !== undefined) {
      const skip = start !== undefined ? Math.max(0, start - 1) : 0;
      return lines.slice(skip, skip + count);
    }
    throw new HostError("InvalidArguments", "Invalid arguments: No read line mode specified");
  }

  /** `file.write_in_place(content)`: write F; truncate and write, same inode. */
  writeInPlace(content: string): void {
    this.writeCheck();
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

  /**
   * `file.write(content)`: write F, atomic (temp file + rename), keeps the mode. It replaces exactly the
   * entry Cedar authorized: the resolved target when the handle followed a symlink (never the link), in
   * the target's own directory (opened without symlinks). The temp file needs create F(temp path), and
   * the entry must still be the file this handle holds.
   */
  write(content: string): FileHandle {
    this.writeCheck();
    const linkPath = buildPath(this.dir.path, this.name);
    if (this.resolvedPath === undefined || this.resolvedPath === linkPath) {
      return this.replaceIn(this.dir, this.name, content);
    }
    const parts = splitPath(this.resolvedPath);
    if (parts === undefined) throw new HostError("FileError", `File error: cannot replace ${linkPath}`);
    const own = openDir(this.ctx, parts.parent, {});
    try {
      return this.replaceIn(own, parts.name, content);
    } finally {
      own.close();
    }
  }

  private replaceIn(dir: DirHandle, name: string, content: string): FileHandle {
    const tmpName = `.${name}.sigrun-${process.pid}-${Date.now().toString(36)}`;
    checkFile(this.ctx, "create", buildPath(dir.path, tmpName));
    const target = dir.at(name);
    const held = fstatSync(this.fd);
    let entry: { dev: number; ino: number } | undefined;
    try {
      entry = lstatSync(target);
    } catch {
      entry = undefined;
    }
    if (entry === undefined || entry.dev !== held.dev || entry.ino !== held.ino) {
      throw new HostError(
        "FileError",
        `File error: file changed while it was being written: ${buildPath(dir.path, name)}`,
      );
    }
    const tmpAt = dir.at(tmpName);
    let tmpFd: number | undefined;
    try {
      const mode = held.mode & 0o7777;
      tmpFd = openSync(
        tmpAt,
        constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      track(this.ctx, tmpFd);
      fchmodSync(tmpFd, mode);
      const bytes = Buffer.from(content, "utf8");
      let off = 0;
      while (off < bytes.length) off += writeSync(tmpFd, bytes, off, bytes.length - off, off);
      fsyncSync(tmpFd);
      renameSync(tmpAt, target);
    } catch (err) {
      if (tmpFd !== undefined) {
        try {
          unlinkSync(tmpAt);
        } catch {
          // ignore
        }
        release(this.ctx, tmpFd);
      }
      throw ioError(err);
    }
    return new FileHandle(this.dir, this.name, tmpFd, this.resolvedPath, this.options);
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

  /** `src.copy(dest, CopyFileOptions)`: read F(src), write F(dest). */
  copy(dest: FileHandle, opts: { force?: boolean; preserve?: boolean } = {}): FileHandle {
    this.readCheck();
    checkFile(this.ctx, "write", dest.fullPath());
    dest.requireWriteMode();
    refuseSharedInode(dest.fd, dest.fullPath());
    try {
      const size = fstatSync(dest.fd).size;
      if (!opts.force && size > 0) {
        throw new HostError(
          "DestinationFileNotEmptyError",
          `Destination file not empty: File: ${dest.fullPath()}, Size: ${size} bytes`,
        );
      }
      const bytes = readAllBytes(this.fd, this.fullPath());
      let off = 0;
      while (off < bytes.length) off += writeSync(dest.fd, bytes, off, bytes.length - off, off);
      ftruncateSync(dest.fd, bytes.length);
      if (opts.preserve) {
        const st = fstatSync(this.fd);
        fchmodSync(dest.fd, st.mode & 0o7777);
        futimesSync(dest.fd, st.atime, st.mtime);
      }
    } catch (err) {
      throw ioError(err);
    }
    return dest;
  }

  /** `file.move(dest_dir, name, MoveOptions)`: move F(src) with context destination, create F(dest). */
  move(destDir: DirHandle, destName: string, opts: { backup?: boolean; verbose?: boolean } = {}): FileHandle {
    const srcPath = buildPath(this.dir.path, this.name);
    const destPath = buildPath(destDir.path, destName);
    checkFile(this.ctx, "move", srcPath, {
      destination: { path: destPath, name: destName, parent_path: destDir.path },
    });
    checkFile(this.ctx, "create", destPath);
    validateBasename(destName);
    // Replacing an existing destination changes that file too: it needs write F(dest).
    if (lexists(destDir.at(destName))) checkFile(this.ctx, "write", destPath);
    try {
      renameSync(this.dir.at(this.name), destDir.at(destName));
    } catch (err) {
      if (errnoCode(err) === "EXDEV") {
        const dest = openFileIn(destDir, destName, { write: true, create: true });
        try {
          this.copy(dest, { force: true, preserve: opts.backup === true });
        } finally {
          dest.close();
        }
        this.delete({ force: false });
      } else {
        throw new HostError(
          "FileError",
          `File error: Error moving file ${this.name} from '${srcPath}' to '${destPath}': ${srcPath}`,
        );
      }
    }
    if (opts.verbose) this.ctx.log?.("INFO", `Moved from '${srcPath}' to '${destPath}'`);
    return openFileIn(destDir, destName, { ...this.options, create: false });
  }

  /** `file.search(regex)`: matching lines with 1-based numbers. */
  search(pattern: string): Array<{ line_number: number; line_content: string }> {
    const redacted = this.readMode();
    const re = compileRegex(pattern);
    let text = decodeUtf8(readAllBytes(this.fd, this.fullPath()));
    if (redacted) text = redact(text, redactionPatterns(this.ctx));
    const out: Array<{ line_number: number; line_content: string }> = [];
    splitLines(text).forEach((line, i) => {
      if (re.test(line)) out.push({ line_number: i + 1, line_content: line });
    });
    return out;
  }

  /** `file.counts()`: read F; lines = newlines, words split on ASCII whitespace, bytes. */
  counts(): { line_count: number; word_count: number; byte_count: number } {
    this.readCheck();
    const bytes = readAllBytes(this.fd, this.fullPath());
    let lines = 0;
    let words = 0;
    let inWord = false;
    for (const b of bytes) {
      if (b === 0x0a) lines++;
      const space = b === 0x20 || (b >= 0x09 && b <= 0x0d);
      if (!inWord && !space) {
        words++;
        inWord = true;
      } else if (space) inWord = false;
    }
    return { line_count: lines, word_count: words, byte_count: bytes.length };
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
function refuseSharedInode(fd: number, path: string): void {
  const st = fstatSync(fd);
  if (st.isFile() && st.nlink > 1) {
    throw new HostError(
      "PermissionDenied",
      `Permission denied: file has ${st.nlink} hard links; an in-place write would change it under names not authorized: ${path}`,
    );
  }
}

function lexists(at: string): boolean {
  try {
    lstatSync(at);
    return true;
  } catch {
    return false;
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
function redactionPatterns(ctx: HostContext): ScriptRegex[] {
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
