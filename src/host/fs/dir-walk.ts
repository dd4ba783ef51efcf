import { lstatSync, type Stats } from "node:fs";
import type { HostContext } from "../context.js";
import { HostError, ioError } from "../errors.js";
import { DirHandle } from "./dir.js";
import { entryPath, openEntryAsDir, openEntryAsFile } from "./dir-entry-open.js";
import { type DirEntry, dirMetadata, listEntries, MAX_WALK_ENTRIES, statType } from "./dir-ops.js";
import { checkFile, FileHandle } from "./file.js";
import { openSymlink, SymlinkHandle, symlinkMetadata } from "./symlink.js";

/** Rex's `DirWalkOptions`. */
export interface DirWalkOptions {
  minDepth: number;
  maxDepth: number;
  followSymlinks: boolean;
  skipVisitedInodes: boolean;
}

/** Rex's `WalkEntry`: entering a directory, one entry, leaving a directory. */
export type WalkEvent =
  | { kind: "pre"; dir: DirHandle }
  | { kind: "entry"; entry: DirEntry; depth: number }
  | { kind: "post"; dir: DirHandle };

/** Metadata of an entry as Rex's `DirEntry.metadata`, plus the link text for a symlink. */
export interface EntryStat {
  st: Stats;
  symlinkTarget?: string;
}

/**
 * Rex's `DirEntry::metadata` inside a walk: a file is opened (open F, read mode) and stat F'd, a directory
 * opened (open D) and stat D'd, a symlink opened as a link (open F) and stat F'd (+ read F for its
 * text); anything else is stat F'd on the entry. The opened handle is kept on the entry (`opened`).
 */
export function walkEntryMetadata(ctx: HostContext, e: DirEntry): EntryStat {
  if (e.type === "FILE") {
    const f = e.opened instanceof FileHandle ? e.opened : openEntryAsFile(ctx, e, { read: true });
    e.opened = f;
    return { st: f.metadata() };
  }
  if (e.type === "DIR") {
    const d = e.opened instanceof DirHandle ? e.opened : openEntryAsDir(ctx, e);
    e.opened = d;
    return { st: dirMetadata(d) };
  }
  if (e.type === "SYMLINK") {
    let s: SymlinkHandle;
    if (e.opened instanceof SymlinkHandle) s = e.opened;
    else {
      if (!e.dir || e.dir.closed)
        throw new HostError("DirectoryError", `Directory error: closed: ${e.dirPath}`);
      s = openSymlink(e.dir, e.name);
    }
    e.opened = s;
    const m = symlinkMetadata(s);
    return { st: m.st, symlinkTarget: m.target };
  }
  checkFile(ctx, "stat", entryPath(e));
  try {
    return { st: lstatSync(e.dir && !e.dir.closed ? e.dir.at(e.name) : entryPath(e)) };
  } catch (err) {
    throw ioError(err);
  }
}

/**
 * Rex's `symlink_target_metadata`: stat F(link), then the target opened as a file (open F with
 * follow_symlinks, stat F) or else as a directory (open D ×2, stat D).
 */
function symlinkTargetMetadata(ctx: HostContext, e: DirEntry): Stats {
  checkFile(ctx, "stat", entryPath(e));
  try {
    const f = openEntryAsFile(ctx, e, { read: true, followSymlinks: true });
    e.opened = f;
    return f.metadata();
  } catch {
    // not a file: try it as a directory
  }
  try {
    const d = openEntryAsDir(ctx, e);
    e.opened = d;
    return dirMetadata(d);
  } catch {
    throw new HostError(
      "Other",
      `Invalid filesystem entity for open: Attempted to open unknown file type: ${entryPath(e)}`,
    );
  }
}

function closeOpened(e: DirEntry, onStack: ReadonlySet<DirHandle>): void {
  const o = e.opened;
  if (o === undefined) return;
  if (o instanceof DirHandle) {
    if (onStack.has(o) || o.pinned) return;
  }
  o.close();
  e.opened = undefined;
}

interface DirState {
  dir: DirHandle;
  pre: boolean;
  entries: DirEntry[];
  next: number;
  depth: number;
}

/**
 * Rex's `DirWalk` (rust-safe-io `recursive.rs`), request for request: read D(root) (failure: a warning and
 * nothing walked), with `followSymlinks` stat D(root) to seed the visited set; then per directory `pre`,
 * its entries, `post`. A subdirectory entry is opened (`open_as_dir`) and listed (read D) before it is
 * yielded (when its depth is below `maxDepth`); failures are warnings and the entry is skipped. With
 * `followSymlinks`, a symlink is resolved (see `symlinkTargetMetadata`) and walked as its target unless that
 * (device, inode) was already seen — a directory only when seen at the same or a smaller depth — so a link
 * loop ends. With `skipVisitedInodes` every entry is stat'ed (`walkEntryMetadata`) and seen inodes skipped.
 * Handles the walk opened are closed once the consumer moved on, unless the script was given them.
 */
export function* rexDirWalk(root: DirHandle, o: DirWalkOptions): Generator<WalkEvent> {
  const ctx = root.ctx;
  const warn = (m: string): void => ctx.log?.("WARN", m);
  let rootEntries: DirEntry[] = [];
  try {
    rootEntries = listEntries(root);
  } catch (err) {
    warn(`Failed to list contents of root directory '${root.path}': ${(err as Error).message}`);
  }
  const visited = new Map<string, number>();
  const key = (st: Stats): string => `${st.dev}:${st.ino}`;
  if (o.followSymlinks) {
    try {
      visited.set(key(dirMetadata(root)), 0);
    } catch {
      // as Rex: no seed when the root cannot be stat'ed
    }
  }
  const stack: DirState[] = [{ dir: root, pre: true, entries: rootEntries, next: 0, depth: 1 }];
  const onStack = new Set<DirHandle>([root]);
  let seen = 0;

  const isVisited = (st: Stats, depth: number): boolean => {
    const k = key(st);
    const prev = visited.get(k);
    if (statType(st) === "DIR") {
      if (prev !== undefined && depth >= prev) return true;
      visited.set(k, depth);
      return false;
    }
    if (prev !== undefined) return true;
    visited.set(k, depth);
    return false;
  };

  /** Rex's `process_directory_for_traversal`: open the entry as a directory, list it, push it. */
  const descend = (e: DirEntry, depth: number): boolean => {
    let sub: DirHandle;
    try {
      sub = e.opened instanceof DirHandle && !e.opened.closed ? e.opened : openEntryAsDir(ctx, e);
      e.opened = sub;
    } catch (err) {
      warn(`Failed to open subdirectory '${e.name}': ${(err as Error).message}`);
      return false;
    }
    if (depth < o.maxDepth) {
      let entries: DirEntry[];
      try {
        entries = listEntries(sub);
      } catch (err) {
        warn(`Failed to list contents of directory '${sub.path}': ${(err as Error).message}`);
        return depth >= o.minDepth;
      }
      stack.push({ dir: sub, pre: true, entries, next: 0, depth: depth + 1 });
      onStack.add(sub);
    }
    return true;
  };

  try {
    yield* steps();
  } finally {
    // the consumer stopped early (a callback error): close what the walk opened and did not hand out
    for (const st of stack) if (st.dir !== root && !st.dir.pinned && !st.dir.closed) st.dir.close();
  }

  function* steps(): Generator<WalkEvent> {
    for (;;) {
      const top = stack.at(-1);
      if (top === undefined) return;
      if (top.pre) {
        top.pre = false;
        yield { kind: "pre", dir: top.dir };
        continue;
      }
      const e = top.entries[top.next];
      if (e === undefined) {
        stack.pop();
        onStack.delete(top.dir);
        yield { kind: "post", dir: top.dir };
        if (top.dir !== root && !top.dir.pinned) top.dir.close();
        continue;
      }
      top.next++;
      if (++seen > MAX_WALK_ENTRIES) {
        throw new HostError(
          "UnsupportedOperationError",
          `Unsupported Operation error: more than ${MAX_WALK_ENTRIES} entries walked`,
        );
      }
      const depth = top.depth;
      let emit = false;
      if (o.followSymlinks && e.type === "SYMLINK") {
        if (depth < o.minDepth) continue;
        try {
          const st = symlinkTargetMetadata(ctx, e);
          if (!isVisited(st, depth)) {
            closeOpened(e, onStack);
            e.type = statType(st);
            e.resolvedSymlink = true;
            if (e.type === "DIR") descend(e, depth);
            emit = true;
          }
        } catch (err) {
          warn((err as Error).message);
        }
      } else {
        let skip = false;
        if (o.skipVisitedInodes) {
          try {
            skip = isVisited(walkEntryMetadata(ctx, e).st, depth);
          } catch (err) {
            warn(`Failed to get metadata for '${e.name}': ${(err as Error).message}`);
            skip = true;
          }
        }
        if (!skip && (e.type !== "DIR" || descend(e, depth))) emit = depth >= o.minDepth;
      }
      if (emit) yield { kind: "entry", entry: e, depth };
      closeOpened(e, onStack);
    }
  }
}
