import { lstatSync, statSync } from "node:fs";
import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { buildPath, splitPath } from "../path.js";
import type { DirHandle } from "./dir.js";
import { createDirs, openDir } from "./dir.js";
import { checkDir, deleteDir } from "./dir-ops.js";
import type { FileHandle, OpenFileOptions } from "./file.js";
import { openFileFromPath, openFileIn } from "./file.js";
import { copyFile, moveFile } from "./file-transfer.js";

function split(path: string, what = "file"): { parent: string; name: string } {
  const p = splitPath(path);
  if (p === undefined)
    throw new HostError("InvalidArguments", `Invalid arguments: Invalid ${what} path: ${path}`);
  return p;
}

function closeBoth(f: FileHandle | undefined, d: DirHandle | undefined): void {
  f?.close();
  d?.close();
}

/** Opens dir (following symlinks unless `nofollow`) and a file in it; closes both on failure. */
function open(ctx: HostContext, path: string, fo: OpenFileOptions, follow: boolean): FileHandle {
  const { parent, name } = split(path);
  const dir = openDir(ctx, parent, { followSymlinks: follow });
  try {
    return openFileIn(dir, name, fo);
  } catch (err) {
    dir.close();
    throw err;
  }
}

/**
 * `write(path, s)` appends: open D ×2, open F, create F, read F (denied read = old content treated as
 * empty, as in Rex), write F. `write([write::replace], …)`: open D ×2, open F, create F, write F.
 */
export function write(
  ctx: HostContext,
  path: string,
  content: string,
  opts: { replace?: boolean } = {},
): void {
  if (opts.replace) {
    const f = open(ctx, path, { write: true, create: true }, true);
    try {
      f.writeInPlace(content);
    } finally {
      closeBoth(f, f.dir);
    }
    return;
  }
  const f = open(ctx, path, { read: true, write: true, create: true }, true);
  try {
    let existing = "";
    try {
      existing = f.read();
    } catch {
      existing = "";
    }
    f.writeInPlace(existing + content);
  } finally {
    closeBoth(f, f.dir);
  }
}

/** `touch(path)`: open D (no symlinks), open F, create F. Timestamps of an existing file are kept. */
export function touch(ctx: HostContext, path: string): void {
  const f = open(ctx, path, { write: true, create: true }, false);
  closeBoth(f, f.dir);
}

/** Rex's `safe_create_sub_directories`: create D for each component (even existing ones), then mkdir -p. */
function createSub(dir: DirHandle, relative: string): void {
  const parts = relative
    .replace(/\/+$/, "")
    .split("/")
    .filter((p) => p !== "");
  let current = dir.path;
  for (const p of parts) {
    current = buildPath(current, p);
    checkDir(dir.ctx, "create", current);
  }
  createDirs(buildPath(dir.path, parts.join("/")), true);
}

/** `mkdir(path)`: open D(parent) ×2, create D(path). `mkdir::parents`: from the deepest existing ancestor. */
export function mkdir(ctx: HostContext, path: string, opts: { parents?: boolean } = {}): void {
  if (opts.parents) {
    let ancestor = path.replace(/\/+$/, "") || "/";
    while (!exists(ancestor)) {
      const p = splitPath(ancestor);
      if (p === undefined) break;
      ancestor = p.parent;
    }
    const clean = path.replace(/\/+$/, "") || "/";
    const relative = ancestor === "/" ? clean.slice(1) : clean.slice(ancestor.length + 1);
    if (relative === "") return;
    const dir = openDir(ctx, ancestor, { followSymlinks: true });
    try {
      createSub(dir, relative);
    } finally {
      dir.close();
    }
    return;
  }
  const { parent, name } = split(path, "directory");
  const dir = openDir(ctx, parent, { followSymlinks: true });
  try {
    createSub(dir, name);
  } finally {
    dir.close();
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `rm(path)`: file: open D ×2, open F, delete F; dir: open D ×2, delete D (`rm::recursive`: one check). */
export function rm(
  ctx: HostContext,
  path: string,
  opts: { force?: boolean; recursive?: boolean } = {},
): void {
  if (isDir(path)) {
    const dir = openDir(ctx, path, { followSymlinks: true });
    try {
      deleteDir(dir, opts);
    } finally {
      dir.close();
    }
    return;
  }
  const f = openFileFromPath(ctx, path, { read: true });
  try {
    f.delete({ force: opts.force === true });
  } finally {
    closeBoth(f, f.dir);
  }
}

/**
 * `cp(src, dst)`: open D(src parent), open F(src), open D(dst parent), open F(dst), create F(dst),
 * read F(src), write F(dst). Directories are not followed through symlinks (as Rex).
 */
export function cp(
  ctx: HostContext,
  src: string,
  dst: string,
  opts: { force?: boolean; preserve?: boolean } = {},
): void {
  split(src, "source");
  split(dst, "destination");
  const s = open(ctx, src, { read: true }, false);
  let d: FileHandle | undefined;
  try {
    d = open(ctx, dst, { write: true, create: true }, false);
    copyFile(s, d, opts);
  } finally {
    if (d) closeBoth(d, d.dir);
    closeBoth(s, s.dir);
  }
}

/**
 * `mv(src, dst)`: open D(src parent), open F(src) read+write, open D(dst parent), move F(src) with
 * context destination, create F(dst), open F(dst).
 */
export function mv(
  ctx: HostContext,
  src: string,
  dst: string,
  opts: { backup?: boolean; verbose?: boolean } = {},
): void {
  split(src, "source");
  const { parent: dstParent, name: dstName } = split(dst, "destination");
  const s = open(ctx, src, { read: true, write: true }, false);
  let dd: DirHandle | undefined;
  try {
    dd = openDir(ctx, dstParent, {});
    const moved = moveFile(s, dd, dstName, opts);
    moved.close();
  } finally {
    dd?.close();
    closeBoth(s, s.dir);
  }
}

export function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
