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
import { errnoCode, HostError, ioError } from "../errors.js";
import { buildPath, splitPath, validateBasename } from "../path.js";
import type { DirHandle } from "./dir.js";
import { openDir } from "./dir.js";
import { release, track } from "./fd.js";
import { checkFile, FileHandle, openFileIn, refuseSharedInode } from "./file.js";
import { readAllBytes } from "./read-bytes.js";

/**
 * `file.write(content)`: write F, atomic (temp file + rename), keeps the mode. It replaces exactly the
 * entry Cedar authorized: the resolved target when the handle followed a symlink (never the link), in
 * the target's own directory (opened without symlinks). The temp file needs create F(temp path), and
 * the entry must still be the file this handle holds.
 */
export function writeAtomic(f: FileHandle, content: string): FileHandle {
  f.requireWrite();
  const linkPath = buildPath(f.dir.path, f.name);
  if (f.resolvedPath === undefined || f.resolvedPath === linkPath) {
    return replaceIn(f, f.dir, f.name, content);
  }
  const parts = splitPath(f.resolvedPath);
  if (parts === undefined) throw new HostError("FileError", `File error: cannot replace ${linkPath}`);
  const own = openDir(f.ctx, parts.parent, {});
  try {
    return replaceIn(f, own, parts.name, content);
  } finally {
    own.close();
  }
}

function replaceIn(f: FileHandle, dir: DirHandle, name: string, content: string): FileHandle {
  const tmpName = `.${name}.sigrun-${process.pid}-${Date.now().toString(36)}`;
  checkFile(f.ctx, "create", buildPath(dir.path, tmpName));
  const target = dir.at(name);
  const held = fstatSync(f.fd);
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
    track(f.ctx, tmpFd);
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
      release(f.ctx, tmpFd);
    }
    throw ioError(err);
  }
  return new FileHandle(f.dir, f.name, tmpFd, f.resolvedPath, f.options);
}

/** `src.copy(dest, CopyFileOptions)`: read F(src), write F(dest). */
export function copyFile(
  f: FileHandle,
  dest: FileHandle,
  opts: { force?: boolean; preserve?: boolean } = {},
): FileHandle {
  f.requireRead();
  checkFile(f.ctx, "write", dest.fullPath());
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
    const bytes = readAllBytes(f.fd, f.fullPath());
    let off = 0;
    while (off < bytes.length) off += writeSync(dest.fd, bytes, off, bytes.length - off, off);
    ftruncateSync(dest.fd, bytes.length);
    if (opts.preserve) {
      const st = fstatSync(f.fd);
      fchmodSync(dest.fd, st.mode & 0o7777);
      futimesSync(dest.fd, st.atime, st.mtime);
    }
  } catch (err) {
    throw ioError(err);
  }
  return dest;
}

/** `file.move(dest_dir, name, MoveOptions)`: move F(src) with context destination, create F(dest). */
export function moveFile(
  f: FileHandle,
  destDir: DirHandle,
  destName: string,
  opts: { backup?: boolean; verbose?: boolean } = {},
): FileHandle {
  const srcPath = buildPath(f.dir.path, f.name);
  const destPath = buildPath(destDir.path, destName);
  checkFile(f.ctx, "move", srcPath, {
    destination: { path: destPath, name: destName, parent_path: destDir.path },
  });
  checkFile(f.ctx, "create", destPath);
  validateBasename(destName);
  // Replacing an existing destination changes that file too: it needs write F(dest).
  if (lexists(destDir.at(destName))) checkFile(f.ctx, "write", destPath);
  try {
    renameSync(f.dir.at(f.name), destDir.at(destName));
  } catch (err) {
    if (errnoCode(err) === "EXDEV") {
      const dest = openFileIn(destDir, destName, { write: true, create: true });
      try {
        copyFile(f, dest, { force: true, preserve: opts.backup === true });
      } finally {
        dest.close();
      }
      f.delete({ force: false });
    } else {
      throw new HostError(
        "FileError",
        `File error: Error moving file ${f.name} from '${srcPath}' to '${destPath}': ${srcPath}`,
      );
    }
  }
  if (opts.verbose) f.ctx.log?.("INFO", `Moved from '${srcPath}' to '${destPath}'`);
  return openFileIn(destDir, destName, { ...f.options, create: false });
}

function lexists(at: string): boolean {
  try {
    lstatSync(at);
    return true;
  } catch {
    return false;
  }
}
