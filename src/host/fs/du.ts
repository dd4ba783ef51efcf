import { lstatSync } from "node:fs";
import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { buildPath } from "../path.js";
import { openDir } from "./dir.js";
import { walk } from "./dir-ops.js";

export interface DuOptions {
  summarize?: boolean;
  allFiles?: boolean;
  apparentSize?: boolean;
  maxDepth?: number;
}

export interface DuEntry {
  path: string;
  size_bytes: number;
  inode_count: number;
}

/**
 * `du(path)`: open D ×2, read D, and open D + read D per subdirectory (walk; unreadable subdirectories
 * are skipped with a warning). Sizes are allocated blocks × 512 unless `apparentSize`. Entries: each
 * directory with its cumulative size (and each file with `allFiles`), down to `maxDepth`; `summarize`
 * reports only the top directory. Failures are plain strings, as Rex's `du`.
 */
export function du(
  ctx: HostContext,
  path: string,
  opts: DuOptions = {},
): { entries: DuEntry[]; total_size_bytes: number; total_inode_count: number } {
  if (opts.summarize && opts.allFiles) {
    throw new HostError(
      "InvalidArguments",
      "du: summarize and all_files cannot be used together",
      "IoErrorKind",
      true,
    );
  }
  let dir: ReturnType<typeof openDir>;
  try {
    dir = openDir(ctx, path, { followSymlinks: true });
  } catch (err) {
    throw new HostError((err as HostError).kind ?? "IoError", (err as Error).message, "IoErrorKind", true);
  }
  const size = (st: { size: number; blocks: number }) => (opts.apparentSize ? st.size : st.blocks * 512);
  const sums = new Map<string, { size: number; inodes: number; depth: number }>();
  const files: Array<DuEntry & { depth: number }> = [];
  try {
    const rootSt = lstatSync(dir.at(""));
    sums.set(dir.path, { size: size(rootSt), inodes: 1, depth: 0 });
    walk(dir, { maxDepth: Number.POSITIVE_INFINITY }, (e, depth) => {
      const p = buildPath(e.dirPath, e.name);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(e.dir && !e.dir.closed ? e.dir.at(e.name) : p);
      } catch {
        return;
      }
      if (e.type === "DIR") sums.set(p, { size: size(st), inodes: 1, depth });
      else files.push({ path: p, size_bytes: size(st), inode_count: 1, depth });
      // add to every ancestor directory inside the walk
      let parent = e.dirPath;
      for (;;) {
        const s = sums.get(parent);
        if (!s) break;
        s.size += size(st);
        s.inodes += 1;
        if (parent === dir.path) break;
        parent = parent.slice(0, parent.lastIndexOf("/")) || "/";
      }
    });
  } finally {
    dir.close();
  }
  const max = opts.summarize ? 0 : (opts.maxDepth ?? Number.POSITIVE_INFINITY);
  const entries: DuEntry[] = [];
  for (const [p, s] of sums)
    if (s.depth <= max) entries.push({ path: p, size_bytes: s.size, inode_count: s.inodes });
  if (opts.allFiles)
    for (const f of files)
      if (f.depth <= max) entries.push({ path: f.path, size_bytes: f.size_bytes, inode_count: 1 });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let total = 0;
  let inodes = 0;
  for (const e of entries) {
    total += e.size_bytes;
    inodes += e.inode_count;
  }
  return { entries, total_size_bytes: total, total_inode_count: inodes };
}
