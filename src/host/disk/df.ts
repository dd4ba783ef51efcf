import { readFileSync, statfsSync } from "node:fs";
import { checkPath } from "../check-path.js";
import type { HostContext } from "../context.js";
import { errnoCode, HostError, osErrorText } from "../errors.js";

/** One mounted filesystem (Rex's `Filesystem`; `size` is the getter name of `raw_size`). */
export interface Filesystem {
  fs_device: string;
  fs_kind: string;
  inodes: number;
  iused: number;
  ifree: number;
  iuse_percent: number;
  block_used: number;
  block_available: number;
  block_use_percent: number;
  mounted_on: string;
  kb_blocks: number;
  mb_blocks: number;
  size: number;
  mount_options: string[];
}

/** `FilesystemOptions`: mount-point prefixes to keep (all when empty) and local-only. */
export interface FilesystemOptions {
  targets?: string[];
  local?: boolean;
}

export interface DiskErrorStyle {
  /** `df()` fails with a plain string; `Filesystems(..).filesystems()` with a DiskinfoErrorKind map. */
  plain: boolean;
}

const PROC_MOUNTS = "/proc/mounts";
const PROC_DISKSTATS = "/proc/diskstats";
/** Cap on /proc/mounts lines considered. */
export const MAX_MOUNTS = 10_000;

// The `sysinfo` crate's list of pseudo filesystems it leaves out (tmpfs and network filesystems too,
// as in its default features), and its ignored mount-point prefixes.
const IGNORED_TYPES = new Set([
  "rootfs",
  "sysfs",
  "proc",
  "devtmpfs",
  "cgroup",
  "cgroup2",
  "pstore",
  "squashfs",
  "rpc_pipefs",
  "iso9660",
  "devpts",
  "hugetlbfs",
  "mqueue",
  "tmpfs",
  "cifs",
  "nfs",
  "nfs4",
  "autofs",
]);

interface MountLine {
  spec: string;
  file: string;
  type: string;
  options: string[];
}

function unescapeMount(s: string): string {
  return s
    .replaceAll("\\134", "\\")
    .replaceAll("\\040", " ")
    .replaceAll("\\011", "\t")
    .replaceAll("\\012", "\n");
}

export function readMounts(source: "DiskinfoErrorKind", plain: boolean): MountLine[] {
  let text: string;
  try {
    text = readFileSync(PROC_MOUNTS, "utf8");
  } catch (err) {
    throw new HostError("IoError", osErrorText(err), source, plain);
  }
  const out: MountLine[] = [];
  for (const line of text.split("\n").slice(0, MAX_MOUNTS)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3 || f[0] === "") continue;
    out.push({ spec: f[0]!, file: unescapeMount(f[1]!), type: f[2]!, options: (f[3] ?? "").split(",") });
  }
  return out;
}

function listed(m: MountLine): boolean {
  if (IGNORED_TYPES.has(m.type)) return false;
  if (m.file.startsWith("/sys") || m.file.startsWith("/proc")) return false;
  if (m.file.startsWith("/run") && !m.file.startsWith("/run/media")) return false;
  return !m.spec.startsWith("sunrpc");
}

function isLocal(m: MountLine): boolean {
  const n = m.spec.toLowerCase();
  return !(
    n.includes("nfs") ||
    n.includes("smb") ||
    n.includes("cifs") ||
    n.includes("efs") ||
    n.startsWith("//") ||
    n.includes(":") ||
    n.includes("autofs")
  );
}

const pct = (a: number, b: number): number => (b === 0 ? 0 : (a / b) * 100);

/**
 * Rex's `Filesystems(opts).filesystems()` and `df()`: read F(/proc/mounts), read F(/proc/diskstats), then
 * per listed mount `stat` on Dir(mount point) and read F(/proc/mounts) again (its options). A mount point
 * whose statvfs fails with EACCES is skipped, as `df` does.
 */
export function filesystems(ctx: HostContext, opts: FilesystemOptions, style: DiskErrorStyle): Filesystem[] {
  const e = { source: "DiskinfoErrorKind" as const, plain: style.plain };
  checkPath(ctx, "read", "File", PROC_MOUNTS, e);
  checkPath(ctx, "read", "File", PROC_DISKSTATS, e);
  const mounts = readMounts("DiskinfoErrorKind", style.plain);
  let chosen = mounts.filter(listed);
  const targets = opts.targets ?? [];
  if (targets.length > 0) chosen = chosen.filter((m) => targets.some((t) => m.file.startsWith(t)));
  if (opts.local === true) chosen = chosen.filter(isLocal);
  const out: Filesystem[] = [];
  for (const m of chosen) {
    checkPath(ctx, "stat", "Dir", m.file, e);
    let st: ReturnType<typeof statfsSync>;
    try {
      st = statfsSync(m.file);
    } catch (err) {
      if (errnoCode(err) === "EACCES") continue;
      throw new HostError("Other", osErrorText(err), "DiskinfoErrorKind", style.plain);
    }
    const total = Number(st.blocks) * Number(st.bsize);
    const avail = Number(st.bavail) * Number(st.bsize);
    const used = total - avail;
    const inodes = Number(st.files);
    const ifree = Number(st.ffree);
    checkPath(ctx, "read", "File", PROC_MOUNTS, e);
    const entry = mounts.find((x) => x.file === m.file);
    out.push({
      fs_device: m.spec,
      fs_kind: m.type,
      inodes,
      iused: inodes - ifree,
      ifree,
      iuse_percent: pct(inodes - ifree, inodes),
      block_used: used,
      block_available: avail,
      block_use_percent: pct(used, total),
      mounted_on: m.file,
      kb_blocks: Math.floor(total / 1024),
      mb_blocks: Math.floor(total / (1024 * 1024)),
      size: total,
      mount_options: entry?.options ?? [],
    });
  }
  return out;
}

export type Unit = "BYTES" | "KILOBYTES" | "MEGABYTES";

/** `format_bytes(size, unit)`: integer division by 1024 / 1024² (Rex's `Filesystem::format_bytes`). */
export function formatBytes(size: bigint, unit: Unit): bigint {
  if (size < 0n)
    throw new HostError(
      "TryFromIntError",
      "out of range integral type conversion attempted",
      "DiskinfoErrorKind",
    );
  if (unit === "KILOBYTES") return size / 1024n;
  if (unit === "MEGABYTES") return size / (1024n * 1024n);
  return size;
}
