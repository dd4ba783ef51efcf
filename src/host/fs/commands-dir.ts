import { lstatSync } from "node:fs";
import type { HostContext } from "../context.js";
import { errnoCode, HostError, ioError } from "../errors.js";
import { buildPath, splitPath } from "../path.js";
import { openDir } from "./dir.js";
import type { DirEntry } from "./dir-ops.js";
import { listEntries, walk } from "./dir-ops.js";
import { checkFile } from "./file.js";

function notADir(err: unknown): boolean {
  if (err instanceof HostError) {
    return (
      (err.kind === "DirectoryOpenError" && err.message.startsWith("Directory error: Not a directory")) ||
      err.message.includes("Not a directory")
    );
  }
  return errnoCode(err) === "ENOTDIR";
}

/** ls on a symlink: open D(parent) ×2, open F(path); one entry describing the link. */
function lsSymlink(ctx: HostContext, path: string): DirEntry[] {
  const parts = splitPath(path);
  if (parts === undefined)
    throw new HostError("InvalidArguments", `Invalid arguments: Invalid path: ${path}`);
  const dir = openDir(ctx, parts.parent, { followSymlinks: true });
  try {
    checkFile(ctx, "open", buildPath(dir.path, parts.name));
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(dir.at(parts.name));
    } catch (err) {
      throw ioError(err);
    }
    if (!st.isSymbolicLink()) {
      throw new HostError("InvalidArguments", `Invalid arguments: ls: ${path}: Not a directory or symlink`);
    }
    return [{ name: parts.name, inode: st.ino, type: "SYMLINK", dirPath: dir.path }];
  } finally {
    dir.close();
  }
}

/** `ls(path)`: open D ×2, read D; hidden names dropped unless `all`; a symlink gives a one-entry map. */
export function ls(ctx: HostContext, path: string, opts: { all?: boolean } = {}): DirEntry[] {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    isLink = false;
  }
  if (isLink) return lsSymlink(ctx, path);
  let dir: ReturnType<typeof openDir>;
  try {
    dir = openDir(ctx, path, { followSymlinks: true });
  } catch (err) {
    if (notADir(err)) return lsSymlink(ctx, path);
    throw err;
  }
  try {
    const entries = listEntries(dir);
    return opts.all ? entries : entries.filter((e) => !e.name.startsWith("."));
  } finally {
    dir.close();
  }
}

/** `find_files(pattern, path)`: names matching a glob; `glob::recursive` walks the whole tree. */
export function findFiles(
  ctx: HostContext,
  pattern: string,
  path: string,
  opts: { recursive?: boolean } = {},
): string[] {
  const dir = openDir(ctx, path, { followSymlinks: true });
  const out: string[] = [];
  try {
    walk(dir, { name: pattern, maxDepth: opts.recursive ? Number.POSITIVE_INFINITY : 1 }, (e) => {
      out.push(e.name);
    });
  } finally {
    dir.close();
  }
  return out;
}
