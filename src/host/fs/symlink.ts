import {
  chownSync,
  constants,
  fstatSync,
  openSync,
  readlinkSync,
  renameSync,
  type Stats,
  symlinkSync,
  unlinkSync,
} from "node:fs";
import { errnoCode, HostError, ioError } from "../errors.js";
import { buildPath, validateBasename } from "../path.js";
import type { DirHandle } from "./dir.js";
import { release, track } from "./fd.js";
import { checkFile } from "./file.js";
import { resolveIds, type SetOwnershipOptions } from "./ownership.js";

/** Linux `O_PATH` (not in Node's constants): a descriptor naming the link itself, for fstat and chown. */
const O_PATH = 0o10000000;

/** Rex's `SymlinkHandle`: the link itself (never its target), held by an `O_PATH|O_NOFOLLOW` descriptor. */
export class SymlinkHandle {
  readonly dir: DirHandle;
  readonly name: string;
  readonly fd: number;

  constructor(dir: DirHandle, name: string, fd: number) {
    this.dir = dir;
    this.name = name;
    this.fd = fd;
  }

  /** The link's own path (the Cedar resource of every call on it). */
  fullPath(): string {
    return buildPath(this.dir.path, this.name);
  }

  close(): void {
    release(this.dir.ctx, this.fd);
  }
}

/**
 * `dir.read_link_target(name)`: read F(<dir>/<name>), then readlinkat. Stricter than Rex: `name` must be
 * one path component (a `a/b` name would resolve `a` through a symlink Cedar never saw).
 */
export function readLinkTarget(dir: DirHandle, name: string): string {
  checkFile(dir.ctx, "read", buildPath(dir.path, name));
  validateBasename(name);
  try {
    return readlinkSync(dir.at(name));
  } catch (err) {
    throw ioError(err);
  }
}

/**
 * `dir.create_symlink(target, name, CreateSymlinkOptions().force(b).build())`: create F(<dir>/<name>);
 * with `force` also delete F(<dir>/<name>), and the link is made under a temporary name (create F(<dir>/
 * <temp>)) and renamed over the entry (atomic replace). The target text is stored as given (it is checked when something opens it).
 */
export function createSymlink(
  dir: DirHandle,
  target: string,
  name: string,
  opts: { force?: boolean } = {},
): void {
  const ctx = dir.ctx;
  const linkPath = buildPath(dir.path, name);
  checkFile(ctx, "create", linkPath);
  validateBasename(name);
  if (target === "" || target.includes("\0")) {
    throw new HostError(
      "InvalidArguments",
      `Invalid arguments: invalid symlink target: ${JSON.stringify(target)}`,
    );
  }
  if (!opts.force) {
    try {
      symlinkSync(target, dir.at(name));
    } catch (err) {
      throw ioError(err);
    }
    return;
  }
  checkFile(ctx, "delete", linkPath);
  const tmp = `.${name}.sigrun-${process.pid}-${Date.now().toString(36)}`;
  // the temporary link is a file this call creates: it needs `create` where it is made
  checkFile(ctx, "create", buildPath(dir.path, tmp));
  try {
    symlinkSync(target, dir.at(tmp));
  } catch (err) {
    throw ioError(err);
  }
  try {
    renameSync(dir.at(tmp), dir.at(name));
  } catch (err) {
    try {
      unlinkSync(dir.at(tmp));
    } catch {
      // already gone
    }
    throw ioError(err);
  }
}

/**
 * `dir.open_symlink(name)`: open F(<dir>/<name>), then an `O_PATH|O_NOFOLLOW` open relative to the
 * directory descriptor; anything but a symlink is a `ValidationError` ("argument is not a symlink").
 */
export function openSymlink(dir: DirHandle, name: string): SymlinkHandle {
  const ctx = dir.ctx;
  checkFile(ctx, "open", buildPath(dir.path, name));
  validateBasename(name);
  let fd: number;
  try {
    fd = openSync(dir.at(name), O_PATH | constants.O_NOFOLLOW);
  } catch (err) {
    throw ioError(err);
  }
  track(ctx, fd);
  try {
    if (!fstatSync(fd).isSymbolicLink()) {
      throw new HostError("ValidationError", "Validation error: argument is not a symlink");
    }
  } catch (err) {
    release(ctx, fd);
    throw ioError(err);
  }
  return new SymlinkHandle(dir, name, fd);
}

/**
 * `symlink.metadata()`: stat F(link), fstat of the link itself; then `read_link_target` (read F) fills
 * `symlink_target` — left out (unit) when read is denied, as Rex.
 */
export function symlinkMetadata(s: SymlinkHandle): { st: Stats; target?: string } {
  checkFile(s.dir.ctx, "stat", s.fullPath());
  let st: Stats;
  try {
    st = fstatSync(s.fd);
  } catch (err) {
    throw ioError(err);
  }
  try {
    return { st, target: readLinkTarget(s.dir, s.name) };
  } catch (err) {
    if (err instanceof HostError && err.kind === "PermissionDenied" && /"read" for /.test(err.message)) {
      return { st };
    }
    throw err;
  }
}

/**
 * `symlink.set_ownership(SetOwnershipOptions)`: chown F(link); the link itself changes owner (a chown
 * through `/proc/self/fd/N` of the `O_PATH` descriptor: the very inode opened, never the target).
 */
export function setSymlinkOwnership(s: SymlinkHandle, o: SetOwnershipOptions): void {
  checkFile(s.dir.ctx, "chown", s.fullPath());
  const { uid, gid } = resolveIds(o.user, o.group);
  try {
    chownSync(`/proc/self/fd/${s.fd}`, uid, gid);
  } catch (err) {
    if (errnoCode(err) === "ENOENT") throw new HostError("IoError", "No such file or directory (os error 2)");
    throw ioError(err);
  }
}
