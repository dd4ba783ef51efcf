import type { Stats } from "node:fs";
import { HostError } from "../errors.js";
import { buildPath } from "../path.js";
import type { DirHandle } from "./dir.js";
import { dirMetadata } from "./dir-ops.js";
import { rexDirWalk, walkEntryMetadata } from "./dir-walk.js";
import type { FileHandle } from "./file.js";

/** Rex's `DiskUsageOptions` (builder defaults: all false, `max_depth` i64::MAX). */
export interface DiskUsageOptions {
  summarize?: boolean;
  all_files?: boolean;
  one_file_system?: boolean;
  count_hard_links?: boolean;
  apparent_size?: boolean;
  max_depth?: number;
  track_largest_subdir?: boolean;
}

/** Rex's `DiskUsageEntry`. */
export interface DiskUsageEntry {
  path: string;
  size_bytes: number;
  inode_count: number;
}

/** Rex's `DiskUsageResult`. */
export interface DiskUsageResult {
  entries: DiskUsageEntry[];
  largest_subdir_handle?: DirHandle;
}

/** Rex's builder check: `summarize` and `all_files` exclude each other. */
export function validateDiskUsageOptions(o: DiskUsageOptions): void {
  if (o.summarize && o.all_files) {
    throw new HostError(
      "ValidationError",
      "Validation error: summarize and all_files options cannot be used together",
    );
  }
}

const sizeOf = (st: Stats, o: DiskUsageOptions): number => (o.apparent_size ? st.size : st.blocks * 512);

/** `file.disk_usage(DiskUsageOptions)`: stat F; one entry for the file (allocated blocks × 512 or its size). */
export function fileDiskUsage(f: FileHandle, o: DiskUsageOptions): DiskUsageEntry {
  validateDiskUsageOptions(o);
  const st = f.metadata();
  return { path: f.fullPath(), size_bytes: sizeOf(st, o), inode_count: 1 };
}

const slashes = (p: string): number => p.split("/").length - 1;

/**
 * `dir.disk_usage(DiskUsageOptions)` (Rex's `safe_disk_usage`): stat D(dir), then a DirWalk (read D per
 * directory; each entry opened and stat'ed as Rex's `DirEntry.metadata`: open F + stat F for a file, open D
 * + stat D for a directory, …; a failure is a warning and the entry is not counted) and stat D of each
 * directory when leaving it. Files add to their directory, directories to their parent; hard links count
 * once unless `count_hard_links`; `one_file_system` leaves other devices' entries out. Entries: each
 * directory within `max_depth` (only the root with `summarize`), and with `all_files` every other entry,
 * in the order they complete. `track_largest_subdir` keeps the handle of the largest subdirectory.
 */
export function dirDiskUsage(dir: DirHandle, o: DiskUsageOptions): DiskUsageResult {
  validateDiskUsageOptions(o);
  const ctx = dir.ctx;
  const rootSt = dirMetadata(dir);
  const rootPath = dir.path;
  const rootDepth = slashes(rootPath);
  const maxDepth = o.max_depth ?? Number.MAX_SAFE_INTEGER;
  const include = (p: string): boolean =>
    (!o.summarize || p === rootPath) && slashes(p) - rootDepth <= maxDepth;
  const sizes = new Map<string, [number, number]>();
  const add = (p: string, size: number, inodes: number): void => {
    const cur = sizes.get(p) ?? [0, 0];
    sizes.set(p, [cur[0] + size, cur[1] + inodes]);
  };
  const seen = new Set<string>();
  const stack: string[] = [];
  const entries: DiskUsageEntry[] = [];
  let largest: DirHandle | undefined;
  let largestSize = 0;
  const walk = rexDirWalk(dir, {
    minDepth: 0,
    maxDepth: Number.POSITIVE_INFINITY,
    followSymlinks: false,
    skipVisitedInodes: false,
  });
  for (const ev of walk) {
    if (ev.kind === "pre") {
      stack.push(ev.dir.path);
      sizes.set(ev.dir.path, [0, 0]);
    } else if (ev.kind === "entry") {
      const e = ev.entry;
      let st: Stats;
      try {
        st = walkEntryMetadata(ctx, e).st;
      } catch (err) {
        ctx.log?.("WARN", `du: cannot access '${e.name}': ${(err as Error).message}`);
        continue;
      }
      if (!o.count_hard_links) {
        const k = `${st.dev}:${e.inode}`;
        if (seen.has(k)) continue;
        seen.add(k);
      }
      if (o.one_file_system && st.dev !== rootSt.dev) continue;
      const size = sizeOf(st, o);
      const here = stack.at(-1);
      if (e.type === "FILE" && here !== undefined) add(here, size, 1);
      if (o.all_files && e.type !== "DIR") {
        const p = buildPath(here ?? rootPath, e.name);
        if (include(p)) entries.push({ path: p, size_bytes: size, inode_count: 1 });
      }
    } else {
      const p = ev.dir.path;
      stack.pop();
      let st: Stats;
      try {
        st = dirMetadata(ev.dir);
      } catch (err) {
        ctx.log?.("WARN", `du: cannot access '${p}': ${(err as Error).message}`);
        continue;
      }
      add(p, sizeOf(st, o), 1);
      const [total, inodes] = sizes.get(p) ?? [0, 0];
      if (include(p)) {
        entries.push({ path: p, size_bytes: total, inode_count: inodes });
        if (o.track_largest_subdir && p !== rootPath && total > largestSize) {
          if (largest !== undefined) {
            largest.pinned = false;
            largest.close();
          }
          largestSize = total;
          largest = ev.dir;
          largest.pinned = true;
        }
      }
      const parent = stack.at(-1);
      if (parent !== undefined) add(parent, total, inodes);
    }
  }
  return { entries, largest_subdir_handle: largest };
}
