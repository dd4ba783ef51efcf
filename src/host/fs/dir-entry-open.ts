import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { buildPath } from "../path.js";
import { DirHandle, openDir } from "./dir.js";
import type { DirEntry } from "./dir-ops.js";
import { FileHandle, type OpenFileOptions, openFileIn } from "./file.js";

const NOT_A_FILE = "Entry type mismatch: DirEntry does not represent a file";
const NOT_A_DIR = "Entry type mismatch: DirEntry does not represent a dir";

/** The entry's full path (its Cedar resource). */
export const entryPath = (e: DirEntry): string => buildPath(e.dirPath, e.name);

/**
 * The directory the entry was listed from. When that handle is gone (closed after a walk, or an `ls`
 * entry) it is opened again by its path without following symlinks: one more open D(<dir>).
 */
function parentOf(ctx: HostContext, e: DirEntry): { dir: DirHandle; reopened: boolean } {
  if (e.dir && !e.dir.closed) return { dir: e.dir, reopened: false };
  return { dir: openDir(ctx, e.dirPath, {}), reopened: true };
}

/**
 * `entry.open_as_file(OpenFileOptions)`: the handle the walk already opened for it, else `open_file` on
 * its directory (open F, …); a followed symlink entry is opened with `follow_symlinks`.
 */
export function openEntryAsFile(ctx: HostContext, e: DirEntry, opts: OpenFileOptions): FileHandle {
  if (e.opened !== undefined) {
    if (e.opened instanceof FileHandle) {
      const f = e.opened;
      e.opened = undefined; // now the script's: the walk must not close it
      return f;
    }
    throw new HostError("EntryTypeMismatchError", NOT_A_FILE);
  }
  const { dir, reopened } = parentOf(ctx, e);
  try {
    return openFileIn(dir, e.name, e.resolvedSymlink ? { ...opts, followSymlinks: true } : opts);
  } finally {
    // the file handle keeps working without its directory; a reopened directory is not kept
    if (reopened) dir.close();
  }
}

/**
 * `entry.open_as_dir(OpenDirOptions)`: the options are ignored, as Rex. A symlink (or followed symlink)
 * entry is opened following the link (open D(path), open D(resolved)); anything else is opened as the
 * subdirectory without symlinks (open D(path)).
 */
export function openEntryAsDir(ctx: HostContext, e: DirEntry): DirHandle {
  if (e.opened !== undefined) {
    if (e.opened instanceof DirHandle && !e.opened.closed) {
      e.opened.pinned = true; // now the script's: the walk must not close it
      return e.opened;
    }
    if (!(e.opened instanceof DirHandle)) throw new HostError("EntryTypeMismatchError", NOT_A_DIR);
  }
  const full = entryPath(e);
  if (e.type === "SYMLINK" || e.resolvedSymlink) return openDir(ctx, full, { followSymlinks: true });
  return openDir(ctx, full, {});
}
