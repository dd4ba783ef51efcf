import type { Stats } from "node:fs";
import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { compileGlob, compileRegex, type ScriptRegex } from "../regex.js";
import type { DirHandle } from "./dir.js";
import type { DirEntry } from "./dir-ops.js";
import { entryMetadata, walk } from "./dir-ops.js";
import { rexDirWalk, walkEntryMetadata } from "./dir-walk.js";

export type SizeUnit =
  | "BYTES"
  | "KILOBYTES"
  | "KIBIBYTES"
  | "MEGABYTES"
  | "MEBIBYTES"
  | "GIGABYTES"
  | "GIBIBYTES";

const UNIT_BYTES: Record<SizeUnit, number> = {
  BYTES: 1,
  KILOBYTES: 1e3,
  KIBIBYTES: 1024,
  MEGABYTES: 1e6,
  MEBIBYTES: 1024 ** 2,
  GIGABYTES: 1e9,
  GIBIBYTES: 1024 ** 3,
};

/** Rex's `SizeRange` (`SizeRange::min_only/max_only/between(n, SizeUnit)`), bounds inclusive. */
export interface SizeRange {
  min?: number;
  max?: number;
  unit: SizeUnit;
}

export const unitBytes = (u: SizeUnit): number => UNIT_BYTES[u];

export function sizeMatches(r: SizeRange, size: number): boolean {
  const k = UNIT_BYTES[r.unit];
  if (r.min !== undefined && size < r.min * k) return false;
  if (r.max !== undefined && size > r.max * k) return false;
  return true;
}

/** `FindOptions`; the time bounds are epoch seconds (Rex compares whole-second ctime/mtime). */
export interface FindOptions {
  min_creation_time?: number;
  max_creation_time?: number;
  min_modification_time?: number;
  max_modification_time?: number;
  name?: string;
  iname?: string;
  regex?: string;
  negate_name?: boolean;
  size_range?: SizeRange;
  min_depth?: number;
  max_depth?: number;
  follow_symlinks?: boolean;
}

/**
 * Rex's `dir.find(FindOptions, callback)`: a DirWalk of the directory (read D, then open D + read D per
 * subdirectory); each entry whose name matches the glob (`name`, or `iname` — which Rex's code also
 * matches case-sensitively — XOR `negate_name`), or whose full path matches `regex`, and whose size is in
 * `size_range` and the time bounds (stat on the entry, only when one of them is set) is passed to the callback.
 */
export function find(dir: DirHandle, o: FindOptions, visit: (e: DirEntry) => void): void {
  const ctx: HostContext = dir.ctx;
  if ((o.min_depth ?? 0) < 0 || (o.max_depth ?? 0) < 0) {
    throw new HostError("TryFromIntError", "out of range integral type conversion attempted");
  }
  const globText = o.name ?? o.iname;
  const glob: ScriptRegex | undefined = globText === undefined ? undefined : compileGlob(globText);
  const re: ScriptRegex | undefined = o.regex === undefined ? undefined : compileRegex(o.regex);
  const each = (e: DirEntry, stat: () => Stats): void => {
    const full = `${e.dirPath.endsWith("/") ? e.dirPath : `${e.dirPath}/`}${e.name}`;
    const nameOk = glob ? glob.test(e.name) !== (o.negate_name === true) : re ? re.test(full) : true;
    if (!nameOk) return;
    const timed =
      o.min_creation_time !== undefined ||
      o.max_creation_time !== undefined ||
      o.min_modification_time !== undefined ||
      o.max_modification_time !== undefined;
    if (o.size_range || timed) {
      const st = stat();
      if (o.size_range && !sizeMatches(o.size_range, st.size)) return;
      const ct = Math.floor(st.ctimeMs / 1000);
      const mt = Math.floor(st.mtimeMs / 1000);
      if (o.min_creation_time !== undefined && ct < o.min_creation_time) return;
      if (o.max_creation_time !== undefined && ct > o.max_creation_time) return;
      if (o.min_modification_time !== undefined && mt < o.min_modification_time) return;
      if (o.max_modification_time !== undefined && mt > o.max_modification_time) return;
    }
    visit(e);
  };
  if (o.follow_symlinks) {
    // Rex: follow_symlinks also skips inodes already visited (so a link loop ends)
    const events = rexDirWalk(dir, {
      minDepth: o.min_depth ?? 0,
      maxDepth: o.max_depth ?? Number.POSITIVE_INFINITY,
      followSymlinks: true,
      skipVisitedInodes: true,
    });
    for (const ev of events) {
      if (ev.kind === "entry") each(ev.entry, () => walkEntryMetadata(ctx, ev.entry).st);
    }
    return;
  }
  walk(dir, { maxDepth: o.max_depth ?? Number.POSITIVE_INFINITY, minDepth: o.min_depth ?? 0 }, (e) =>
    each(e, () => entryMetadata(ctx, e)),
  );
}
