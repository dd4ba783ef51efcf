import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { openDir } from "../fs/dir.js";
import { openFileIn } from "../fs/file.js";

/** Rex's `SlabEntry`: one cache of /proc/slabinfo (derived values are computed by the getters). */
export interface SlabEntry {
  name: string;
  objs: number;
  active: number;
  obj_size_bytes: number;
  slabs: number;
  obj_per_slab: number;
  pages_per_slab: number;
}

/** Rex's `SlabSummary` (slabtop's header). */
export interface SlabSummary {
  active_objects: number;
  total_objects: number;
  objects_usage_percent: number;
  active_slabs: number;
  total_slabs: number;
  slabs_usage_percent: number;
  active_caches: number;
  total_caches: number;
  caches_usage_percent: number;
  active_size_kb: number;
  total_size_kb: number;
  size_usage_percent: number;
  min_obj_size_kb: number;
  avg_obj_size_kb: number;
  max_obj_size_kb: number;
}

export interface SlabInfo {
  slabs: SlabEntry[];
  summary: SlabSummary;
}

const SUPPORTED_VERSION = "2.1";
/** Page size in KiB (Rex: rustix page_size() / 1024; 4 KiB on the platforms Node runs on). */
const PAGE_KB = 4;
/** Caps on the file (a large machine has a few hundred caches). */
export const MAX_SLABINFO_BYTES = 4 * 1024 * 1024;
const MAX_SLABS = 100_000;

const parseErr = (reason: string): HostError =>
  new HostError("Other", `Failed to parse slabinfo data: ${reason}`, "SysteminfoErrorKind");

/** uutils slabtop's `parse_version`: the last word of the first line, `:` read as a space. */
const versionOf = (line: string): string | undefined =>
  line.replaceAll(":", " ").split(/\s+/).filter(Boolean).at(-1);

/** Exact u64 field (refused above 2^53 rather than rounded). */
function u64(t: string): number | undefined {
  if (!/^\d{1,16}$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

const pct = (a: number, b: number): number => (b > 0 ? (a / b) * 100 : 0);

/**
 * Parses /proc/slabinfo version 2.1 as Rex does (uutils slabtop's parser): the header line names the
 * columns (`<active_objs>` …), each data line gives a name and its numbers. Entries are sorted by
 * `objs`, largest first; a line missing a column Rex reads is an error.
 */
export function parseSlabinfo(text: string): SlabInfo {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const first = lines.shift();
  if (first === undefined) throw parseErr("Missing version line in /proc/slabinfo");
  const version = versionOf(first);
  if (version === undefined) throw parseErr("Unable to parse version from /proc/slabinfo");
  if (version !== SUPPORTED_VERSION)
    throw new HostError(
      "Other",
      `Failed to parse slabinfo. This version ${version} of slabinfo is not supported`,
      "SysteminfoErrorKind",
    );
  const meta = (lines.shift() ?? "")
    .replace(/[#:]/g, " ")
    .split(/\s+/)
    .filter((t) => t.startsWith("<") && t.endsWith(">"))
    .map((t) => t.replace(/[<>]/g, ""));
  const col = (m: string): number => meta.indexOf(m);
  const rows: { name: string; values: number[] }[] = [];
  for (const line of lines) {
    const words = line.replaceAll(":", " ").split(/\s+/).filter(Boolean);
    const name = words[0];
    if (name === undefined) continue;
    if (rows.length >= MAX_SLABS) throw parseErr("too many slab entries");
    rows.push({ name, values: words.flatMap((w) => u64(w) ?? []) });
  }
  const field = (r: { name: string; values: number[] }, m: string): number => {
    const v = col(m) < 0 ? undefined : r.values[col(m)];
    if (v === undefined) throw parseErr(`Missing ${m} field for slab: ${r.name}`);
    return v;
  };
  const slabs: SlabEntry[] = rows.map((r) => ({
    name: r.name,
    objs: field(r, "num_objs"),
    active: field(r, "active_objs"),
    obj_size_bytes: field(r, "objsize"),
    slabs: field(r, "active_slabs"),
    obj_per_slab: field(r, "objperslab"),
    pages_per_slab: field(r, "pagesperslab"),
  }));
  slabs.sort((a, b) => b.objs - a.objs);
  if (rows.length === 0) throw parseErr("No slab entries found");
  const total = (m: string): number =>
    col(m) < 0 ? 0 : rows.reduce((s, r) => s + (r.values[col(m)] ?? 0), 0);
  const sizes = col("objsize") < 0 ? [] : rows.flatMap((r) => r.values[col("objsize")] ?? []);
  const sum = (a: string, b: string): number =>
    rows.reduce((s, r) => s + (r.values[col(a)] ?? 0) * (r.values[col(b)] ?? 0), 0);
  const activeObjects = total("active_objs");
  const totalObjects = total("num_objs");
  const activeSlabs = total("active_slabs");
  const totalSlabs = total("num_slabs");
  const activeCaches = rows.filter((r) => (r.values[col("active_objs")] ?? 0) > 0).length;
  const activeSizeKb = sum("active_objs", "objsize") / 1024;
  const totalSizeKb = sum("num_objs", "objsize") / 1024;
  return {
    slabs,
    summary: {
      active_objects: activeObjects,
      total_objects: totalObjects,
      objects_usage_percent: pct(activeObjects, totalObjects),
      active_slabs: activeSlabs,
      total_slabs: totalSlabs,
      slabs_usage_percent: pct(activeSlabs, totalSlabs),
      active_caches: activeCaches,
      total_caches: rows.length,
      caches_usage_percent: pct(activeCaches, rows.length),
      active_size_kb: activeSizeKb,
      total_size_kb: totalSizeKb,
      size_usage_percent: pct(activeSizeKb, totalSizeKb),
      min_obj_size_kb: (sizes.length === 0 ? 0 : sizes.reduce((a, b) => Math.min(a, b))) / 1024,
      avg_obj_size_kb: totalObjects > 0 ? sum("num_objs", "objsize") / totalObjects / 1024 : 0,
      max_obj_size_kb: (sizes.length === 0 ? 0 : sizes.reduce((a, b) => Math.max(a, b))) / 1024,
    },
  };
}

/** `SlabEntry` getters Rex computes: `use_percent` (integer), sizes in KiB. */
export const slabUsePercent = (e: SlabEntry): number =>
  e.objs === 0 ? 0 : Math.floor((e.active * 100) / e.objs);
export const slabObjSizeKb = (e: SlabEntry): number => e.obj_size_bytes / 1024;
export const slabCacheSizeKb = (e: SlabEntry): number => e.slabs * e.pages_per_slab * PAGE_KB;
export const slabActiveSizeKb = (e: SlabEntry): number =>
  e.objs > 0 ? slabCacheSizeKb(e) * (e.active / e.objs) : 0;

/** `SlabSummary.to_string()` (Rex's Display, slabtop's header). */
export function slabSummaryText(s: SlabSummary): string {
  const f = (x: number, d: number) => x.toFixed(d);
  return [
    `Active / Total Objects (% used)    : ${s.active_objects} / ${s.total_objects} (${f(s.objects_usage_percent, 1)}%)`,
    `Active / Total Slabs (% used)      : ${s.active_slabs} / ${s.total_slabs} (${f(s.slabs_usage_percent, 1)}%)`,
    `Active / Total Caches (% used)     : ${s.active_caches} / ${s.total_caches} (${f(s.caches_usage_percent, 1)}%)`,
    `Active / Total Size (% used)       : ${f(s.active_size_kb, 2)}K / ${f(s.total_size_kb, 0)}K (${f(s.size_usage_percent, 1)}%)`,
    `Minimum / Average / Maximum Object : ${f(s.min_obj_size_kb, 2)}K / ${f(s.avg_obj_size_kb, 2)}K / ${f(s.max_obj_size_kb, 2)}K`,
  ].join("\n");
}

/**
 * `SystemInfo().slab_info()`: as Rex, through the handle API: open D(/proc), open F(/proc/slabinfo),
 * read F. The file is readable by root only; without that right the open fails with the OS's
 * "Permission denied (os error 13)" (kind Other, as Rex's SafeIoError).
 */
export function slabInfo(ctx: HostContext): SlabInfo {
  const dir = openDir(ctx, "/proc", {});
  try {
    const f = openFileIn(dir, "slabinfo", { read: true });
    try {
      const text = f.read();
      if (text.length > MAX_SLABINFO_BYTES) throw parseErr("file too large");
      return parseSlabinfo(text);
    } finally {
      f.close();
    }
  } finally {
    dir.close();
  }
}
