import { fstatSync, lstatSync, readdirSync, renameSync } from "node:fs";
import { dirEntities } from "../../policy/index.js";
import { check } from "../context.js";
import { errnoCode, HostError, ioError } from "../errors.js";
import { buildPath, validateBasename } from "../path.js";
import type { DirHandle } from "./dir.js";
import { openDir } from "./dir.js";
import { checkDir } from "./dir-ops.js";

const basename = (p: string): string => {
  const trimmed = p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
};

/**
 * `parent.move(src_dir, dest_parent_dir, dest_name, MoveOptions)` (Rex's `RcDirHandle::safe_move`,
 * Linux): `parent` is the directory holding `src_dir`. move D(<parent>/<src name>) with context
 * `destination {path, name, parent_path}`, create D(<dest parent>/<dest name>), then renameat between the
 * two directory descriptors. When the destination exists and is not empty, the directory moves into it
 * (open D(destination), create D(<destination>/<src name>), renameat there). Returns the moved directory
 * (open D). Stricter than Rex: the entry the move creates inside a non-empty destination needs `create`,
 * and an existing empty destination (which rename(2) replaces) needs `delete`.
 * Stricter than Rex: the entry renamed must still be the directory `src_dir` holds (same device and
 * inode), and a move across file systems is refused (`DirectoryError`; Rex copies the tree).
 */
export function moveDir(
  parent: DirHandle,
  src: DirHandle,
  destParent: DirHandle,
  destName: string,
  opts: { verbose?: boolean } = {},
): DirHandle {
  const ctx = parent.ctx;
  const srcName = basename(src.path);
  const srcPath = buildPath(parent.path, srcName);
  const destPath = buildPath(destParent.path, destName);
  const entities = dirEntities(srcPath);
  check(ctx, "file_system", "move", entities[0]!.uid, entities, {
    context: { destination: { path: destPath, name: destName, parent_path: destParent.path } },
  });
  checkDir(ctx, "create", destPath);
  validateBasename(destName);
  validateBasename(srcName);
  const held = fstatSync(src.fd);
  let entry: { dev: number; ino: number } | undefined;
  try {
    entry = lstatSync(parent.at(srcName));
  } catch {
    entry = undefined;
  }
  if (entry === undefined || entry.dev !== held.dev || entry.ino !== held.ino) {
    throw new HostError(
      "DirectoryError",
      `Directory error: Error moving dir ${srcName} from '${srcPath}' to '${destPath}': the directory is no longer at its path: ${srcPath}`,
    );
  }
  const failed = (to: string, err: unknown): HostError =>
    new HostError(
      "DirectoryError",
      `Directory error: Error moving dir ${srcName} from '${srcPath}' to '${to}': ${(err as Error).message}: ${srcPath}`,
    );
  // rename(2) replaces an existing empty directory: that removes it, so it needs `delete` on it
  if (isEmptyDir(destParent.at(destName))) checkDir(ctx, "delete", destPath);
  let moved: DirHandle;
  try {
    renameSync(parent.at(srcName), destParent.at(destName));
    if (opts.verbose) ctx.log?.("INFO", `Moved from '${srcPath}' to '${destPath}'`);
    moved = openDir(ctx, destPath, {});
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOTEMPTY" || code === "EEXIST") {
      const into = openDir(ctx, destPath, {});
      const nested = buildPath(destPath, srcName);
      try {
        // the directory lands at <destination>/<src name>: that is the entry this move creates
        checkDir(ctx, "create", nested);
        renameSync(parent.at(srcName), into.at(srcName));
      } catch (err2) {
        if (err2 instanceof HostError) throw err2;
        const c2 = errnoCode(err2);
        if (c2 === "ENOTEMPTY" || c2 === "EEXIST") {
          throw new HostError(
            "DirectoryNotEmpty",
            `Directory not empty: A path led to a non-empty directory location. To include contents of this directory, use the recursive flag: ${nested}`,
          );
        }
        throw failed(nested, err2);
      } finally {
        into.close();
      }
      if (opts.verbose) ctx.log?.("INFO", `Moved from '${srcPath}' to '${nested}'`);
      return openDir(ctx, nested, {});
    }
    if (err instanceof HostError) throw err;
    if (code === "EXDEV") {
      throw new HostError(
        "DirectoryError",
        `Directory error: moving a directory across file systems is not supported: ${srcPath}`,
      );
    }
    if (code === "ENOTDIR" || code === "EISDIR") throw failed(destPath, err);
    throw ioError(err);
  }
  return moved;
}

function isEmptyDir(at: string): boolean {
  try {
    return lstatSync(at).isDirectory() && readdirSync(at).length === 0;
  } catch {
    return false;
  }
}
