import { fstatSync, lstatSync, readdirSync, rmdirSync, rmSync, type Stats } from "node:fs";
import { dirEntities } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { errnoCode, HostError, ioError } from "../errors.js";
import { buildPath, validatePath } from "../path.js";
import { compileGlob } from "../regex.js";
import type { DirHandle } from "./dir.js";
import { openDir } from "./dir.js";
import { fdPath } from "./fd.js";
import type { FileHandle } from "./file.js";
import { checkFile } from "./file.js";
import type { SymlinkHandle } from "./symlink.js";

export type EntryType =
  | "FILE"
  | "DIR"
  | "SYMLINK"
  | "UNKNOWN"
  | "FIFO"
  | "SOCKET"
  | "CHAR_DEVICE"
  | "BLOCK_DEVICE";

/** One directory entry (Rex's DirEntry): name, inode, type; `dirPath` for the entity of `metadata()`. */
export interface DirEntry {
  name: string;
  inode: number;
  type: EntryType;
  dirPath: string;
  /** Set when produced by a walk: the directory handle, for `metadata()`/`open_as_*`. */
  dir?: DirHandle;
  /** What the Rex-style walk (`dir-walk.ts`) opened for this entry (Rex's memoized descriptor). */
  opened?: FileHandle | DirHandle | SymlinkHandle;
  /** A followed symlink: `type` is its target's, and opening it follows the link (Rex's resolved entry). */
  resolvedSymlink?: boolean;
}

export function checkDir(ctx: HostContext, verb: string, path: string): void {
  validatePath(path);
  const entities = dirEntities(path);
  check(ctx, "file_system", verb, entities[0]!.uid, entities);
}

function direntType(d: import("node:fs").Dirent): EntryType {
  if (d.isFile()) return "FILE";
  if (d.isDirectory()) return "DIR";
  if (d.isSymbolicLink()) return "SYMLINK";
  if (d.isFIFO()) return "FIFO";
  if (d.isSocket()) return "SOCKET";
  if (d.isCharacterDevice()) return "CHAR_DEVICE";
  if (d.isBlockDevice()) return "BLOCK_DEVICE";
  return "UNKNOWN";
}

export function statType(st: Stats): EntryType {
  if (st.isFile()) return "FILE";
  if (st.isDirectory()) return "DIR";
  if (st.isSymbolicLink()) return "SYMLINK";
  if (st.isFIFO()) return "FIFO";
  if (st.isSocket()) return "SOCKET";
  if (st.isCharacterDevice()) return "CHAR_DEVICE";
  if (st.isBlockDevice()) return "BLOCK_DEVICE";
  return "UNKNOWN";
}

/** Caps on directory listings and walks (Rex has none). */
export const MAX_DIR_ENTRIES = 100_000;

/** `dir.list_entries()`: read D. */
export function listEntries(dir: DirHandle): DirEntry[] {
  checkDir(dir.ctx, "read", dir.path);
  let dirents: import("node:fs").Dirent[];
  try {
    dirents = readdirSync(dir.at(""), { withFileTypes: true });
  } catch (err) {
    throw ioError(err);
  }
  if (dirents.length > MAX_DIR_ENTRIES) {
    throw new HostError(
      "UnsupportedOperationError",
      `Unsupported Operation error: more than ${MAX_DIR_ENTRIES} entries`,
    );
  }
  return dirents.map((d) => {
    let inode = 0;
    try {
      inode = Number(fstatIno(dir, d.name));
    } catch {
      inode = 0;
    }
    return { name: d.name, inode, type: direntType(d), dirPath: dir.path, dir };
  });
}

function fstatIno(dir: DirHandle, name: string): number {
  return lstatSync(dir.at(name)).ino;
}

/** `dir.metadata()`: stat D. */
export function dirMetadata(dir: DirHandle): Stats {
  checkDir(dir.ctx, "stat", dir.path);
  return fstatSync(dir.fd);
}

/** `entry.metadata()`: stat on the entry (File or Dir entity by its type). */
export function entryMetadata(ctx: HostContext, entry: DirEntry): Stats {
  const path = buildPath(entry.dirPath, entry.name);
  if (entry.type === "DIR") checkDir(ctx, "stat", path);
  else checkFile(ctx, "stat", path);
  try {
    return lstatSync(entry.dir && !entry.dir.closed ? entry.dir.at(entry.name) : path);
  } catch (err) {
    throw ioError(err);
  }
}

/** `dir.delete(DeleteDirOptions)`: delete D; recursive removes the tree after this one check (as Rex). */
export function deleteDir(dir: DirHandle, opts: { force?: boolean; recursive?: boolean } = {}): void {
  checkDir(dir.ctx, "delete", dir.path);
  const real = fdPath(dir.fd, dir.path);
  try {
    if (opts.recursive) rmSync(real, { recursive: true, force: false });
    else rmdirSync(real);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT") {
      if (opts.force) return;
      throw new HostError("NotFound", `No such file or directory found: ${dir.path}`);
    }
    if (code === "ENOTEMPTY" || code === "EEXIST") {
      throw new HostError(
        "DirectoryNotEmpty",
        `Directory not empty: A path led to a non-empty directory location. To include contents of this directory, use the recursive flag: ${dir.path}`,
      );
    }
    throw new HostError("DirectoryError", `Directory error: Error removing directory: ${dir.path}`);
  }
}

export interface WalkOptions {
  /** Glob on the entry name. */
  name?: string;
  /** Max depth (1 = only the top level); Infinity for unlimited. */
  maxDepth: number;
  minDepth?: number;
}

/** Hard cap on walked entries. */
export const MAX_WALK_ENTRIES = 1_000_000;

/**
 * Rex's DirWalk for `find`/`find_files`: read D on the root (failure: warning, nothing found), then
 * depth first; each subdirectory costs open D + read D, and a subdirectory that cannot be opened or
 * listed is skipped with a warning.
 */
export function walk(
  dir: DirHandle,
  opts: WalkOptions,
  visit: (entry: DirEntry, depth: number) => void,
): void {
  const ctx = dir.ctx;
  const re = opts.name !== undefined ? compileGlob(opts.name) : undefined;
  let seen = 0;
  const listOrWarn = (d: DirHandle): DirEntry[] => {
    try {
      return listEntries(d);
    } catch (err) {
      ctx.log?.("WARN", `Failed to list contents of directory '${d.path}': ${(err as Error).message}`);
      return [];
    }
  };
  const rec = (d: DirHandle, entries: DirEntry[], depth: number): void => {
    for (const e of entries) {
      if (++seen > MAX_WALK_ENTRIES) {
        throw new HostError(
          "UnsupportedOperationError",
          `Unsupported Operation error: more than ${MAX_WALK_ENTRIES} entries walked`,
        );
      }
      if (depth >= (opts.minDepth ?? 0) && (re === undefined || re.test(e.name))) visit(e, depth);
      if (e.type === "DIR" && depth < opts.maxDepth) {
        let sub: DirHandle;
        try {
          sub = openDir(ctx, buildPath(d.path, e.name), {});
        } catch (err) {
          ctx.log?.(
            "WARN",
            `Failed to open directory '${buildPath(d.path, e.name)}': ${(err as Error).message}`,
          );
          continue;
        }
        try {
          rec(sub, listOrWarn(sub), depth + 1);
        } finally {
          sub.close();
        }
      }
    }
  };
  rec(dir, listOrWarn(dir), 1);
}
