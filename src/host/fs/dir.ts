import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { dirEntities, stripTrailingSlash } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { errnoCode, HostError, ioError } from "../errors.js";
import { buildPath, validatePath } from "../path.js";
import { fdPath, procFdAvailable, release, track } from "./fd.js";

export interface OpenDirOptions {
  create?: boolean;
  recursive?: boolean;
  /** Default false: the path may not contain a symlinked component. */
  followSymlinks?: boolean;
}

/**
 * An open directory. `path` is what Cedar entities for entries are built from: the given path when
 * not following symlinks, the resolved path when following (Rex's `dir_config.path`).
 */
export class DirHandle {
  readonly ctx: HostContext;
  readonly path: string;
  readonly fd: number;
  private readonly viaProc: boolean;

  constructor(ctx: HostContext, path: string, fd: number) {
    this.ctx = ctx;
    this.path = path;
    this.fd = fd;
    this.viaProc = ctx.procFd ?? procFdAvailable();
  }

  /** A path naming `name` inside this open directory, like `openat(fd, name)`. */
  at(name: string): string {
    return this.viaProc ? `/proc/self/fd/${this.fd}/${name}` : buildPath(this.path, name);
  }

  /** Set once closed: entries listed earlier then fall back to their checked path. */
  closed = false;

  /** Given to the script (by a walk's entry or result): a walk that opened it must not close it. */
  pinned = false;

  close(): void {
    this.closed = true;
    release(this.ctx, this.fd);
  }
}

const NOT_A_DIR = "Not a directory, enable follow_symlinks to open the target directory";

function openDirFd(path: string, nofollow: boolean): number {
  const flags = constants.O_RDONLY | constants.O_DIRECTORY | (nofollow ? constants.O_NOFOLLOW : 0);
  return openSync(path, flags);
}

function mapNoFollowError(err: unknown, path: string): HostError {
  const code = errnoCode(err);
  if (code === "ELOOP" || code === "ENOTDIR") {
    return new HostError("DirectoryOpenError", `Directory error: ${NOT_A_DIR}: ${path}`);
  }
  return ioError(err);
}

/**
 * `DirConfig(path).open(options)`: open D (+ create D with `create`); when following symlinks, the
 * resolved directory is checked again (open D(resolved)). Without following, every component must be
 * a real directory: the descriptor's kernel path must equal the given path, else the open is refused.
 */
export function openDir(ctx: HostContext, path: string, opts: OpenDirOptions = {}): DirHandle {
  validatePath(path);
  const entities = dirEntities(path);
  const uid = entities[0]!.uid;
  check(ctx, "file_system", "open", uid, entities);
  if (opts.create) check(ctx, "file_system", "create", uid, entities);

  if (opts.followSymlinks) {
    let fd: number;
    try {
      fd = openDirFd(path, false);
    } catch (err) {
      throw ioError(err);
    }
    track(ctx, fd);
    try {
      const resolved = fdPath(fd, path);
      validatePath(resolved);
      const resolvedEntities = dirEntities(resolved);
      check(ctx, "file_system", "open", resolvedEntities[0]!.uid, resolvedEntities);
      return new DirHandle(ctx, resolved, fd);
    } catch (err) {
      release(ctx, fd);
      throw err;
    }
  }

  let fd: number;
  try {
    if (opts.create) createDirs(path, opts.recursive === true);
    fd = openDirFd(path, true);
  } catch (err) {
    if (err instanceof HostError) throw err;
    throw mapNoFollowError(err, path);
  }
  track(ctx, fd);
  const actual = fdPath(fd, path);
  if (actual !== stripTrailingSlash(path)) {
    release(ctx, fd);
    throw new HostError("DirectoryOpenError", `Directory error: ${NOT_A_DIR}: ${path}`);
  }
  return new DirHandle(ctx, path, fd);
}

/**
 * mkdir of the leaf (must not exist) or, recursively, of each missing component. Walks from "/" with
 * descriptors opened O_NOFOLLOW, creating each name relative to its verified parent (openat-style via
 * /proc/self/fd), so a symlink swapped in mid-walk cannot redirect the creation.
 */
export function createDirs(path: string, recursive: boolean): void {
  const parts = stripTrailingSlash(path)
    .split("/")
    .filter((p) => p !== "");
  const viaProc = procFdAvailable();
  let fd = openDirFd("/", true);
  let current = "";
  try {
    parts.forEach((part, i) => {
      const at = viaProc ? `/proc/self/fd/${fd}/${part}` : `${current}/${part}`;
      const isLeaf = i === parts.length - 1;
      if (isLeaf || recursive) {
        try {
          mkdirSync(at, { mode: 0o777 });
        } catch (err) {
          if (!recursive || errnoCode(err) !== "EEXIST") {
            const reason = isLeaf && !recursive ? "failed to create directory" : "failed to open directory";
            throw new HostError("DirectoryOpenError", `Directory error: ${reason}: ${part}`);
          }
        }
      }
      let next: number;
      try {
        next = openDirFd(at, true);
      } catch (err) {
        throw mapNoFollowError(err, path);
      }
      closeQuiet(fd);
      fd = next;
      current = `${current}/${part}`;
    });
  } finally {
    closeQuiet(fd);
  }
}

function closeQuiet(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // ignore
  }
}
