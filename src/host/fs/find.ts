import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { compileGlob, compileRegex, type ScriptRegex } from "../regex.js";
import type { DirHandle } from "./dir.js";
import type { DirEntry } from "./dir-ops.js";
import { entryMetadata, walk } from "./dir-ops.js";

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

export function sizeMatches(r: SizeRange, size: number): boolean {
  const k = UNIT_BYTES[r.unit];
  if (r.min !== undefined && size < r.min * k) return false;
  if (r.max !== undefined && size > r.max * k) return false;
  return true;
}

/** `FindOptions` (time bounds are not supported; see docs/spec/runner.md). */
export interface FindOptions {
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
 * `size_range` (stat on the entry, only when a size range is set) is passed to the callback.
 */
export function find(dir: DirHandle, o: FindOptions, visit: (e: DirEntry) => void): void {
  const ctx: HostContext = dir.ctx;
  if (o.follow_symlinks) {
    throw new HostError(
      "UnsupportedOperationError",
      "Unsupported Operation error: find with follow_symlinks",
    );
  }
  if ((o.min_depth ?? 0) < 0 || (o.max_depth ?? 0) < 0) {
    throw new HostError("TryFromIntError", "out of range integral type conversion attempted");
  }
  const globText = o.name ?? o.iname;
  const glob: ScriptRegex | undefined = globText === undefined ? undefined : compileGlob(globText);
  const re: ScriptRegex | undefined = o.regex === undefined ? undefined : compileRegex(o.regex);
  walk(dir, { maxDepth: o.max_depth ?? Number.POSITIVE_INFINITY, minDepth: o.min_depth ?? 0 }, (e) => {
    const full = `${e.dirPath.endsWith("/") ? e.dirPath : `${e.dirPath}/`}${e.name}`;
    const nameOk = glob ? glob.test(e.name) !== (o.negate_name === true) : re ? re.test(full) : true;
    if (!nameOk) return;
    if (o.size_range && !sizeMatches(o.size_range, entryMetadata(ctx, e).size)) return;
    visit(e);
  });
}
