import { readFileSync, readlinkSync } from "node:fs";
import type { HostContext } from "../context.js";
import { HostError, ioError } from "../errors.js";
import type { DirHandle } from "../fs/dir.js";
import { openDir } from "../fs/dir.js";
import { listEntries } from "../fs/dir-ops.js";
import { checkFile, openFileIn } from "../fs/file.js";
import { buildPath } from "../path.js";

/** One block device as `lsblk()` returns it (a map; sizes in KiB from /proc/partitions). */
export interface BlockDevice {
  name: string;
  type: string;
  maj: string;
  min: string;
  size_kib: number;
  removable: string;
  read_only: string;
  mount_point: string;
  children: string[];
}

/** Cap on devices listed. */
export const MAX_BLOCK_DEVICES = 4096;

function open(ctx: HostContext, path: string, follow: boolean): DirHandle {
  return openDir(ctx, path, { followSymlinks: follow });
}

function readIn(dir: DirHandle, name: string, follow = false): string {
  const f = openFileIn(dir, name, { read: true, followSymlinks: follow });
  try {
    return f.read();
  } finally {
    f.close();
  }
}

/**
 * /proc/mounts is a link into the runner's own /proc entry, which scripts may not open; the host reads
 * it itself after the same requests (open F, read F).
 */
function readMountTable(proc: DirHandle): string {
  checkFile(proc.ctx, "open", "/proc/mounts");
  checkFile(proc.ctx, "read", "/proc/mounts");
  try {
    return readFileSync("/proc/mounts", "utf8");
  } catch (err) {
    throw ioError(err);
  }
}

/** `safe_read_link_target`: read F(dir/name), then readlinkat. */
function readLink(dir: DirHandle, name: string): string {
  checkFile(dir.ctx, "read", buildPath(dir.path, name));
  try {
    return readlinkSync(dir.at(name));
  } catch (err) {
    throw ioError(err);
  }
}

const basename = (p: string): string => p.slice(p.lastIndexOf("/") + 1);
function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  if (i < 0) return p;
  return i === 0 ? "/" : p.slice(0, i);
}

function lines(text: string, skip: number): string[] {
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  return all.slice(skip);
}

interface Part {
  name: string;
  maj: string;
  min: string;
  size: number;
}

/**
 * Rex's `lsblk()` (Linux): /proc/partitions, the `dm-name-*` links of /dev/disk/by-id, /proc/mounts and
 * /proc/swaps, then per device /sys/dev/block/<maj:min>/{uevent,removable,ro} and the parent links — all
 * through the handle API, so each read is its own open/read request as in Rex.
 */
export function lsblk(ctx: HostContext): Record<string, BlockDevice> {
  const proc = open(ctx, "/proc", false);
  const parts = new Map<string, Part>();
  try {
    for (const l of lines(readIn(proc, "partitions", true), 2).slice(0, MAX_BLOCK_DEVICES)) {
      const f = l.trim().split(/\s+/);
      if (f.length < 4) continue;
      parts.set(f[3]!, { name: f[3]!, maj: f[0]!, min: f[1]!, size: Number.parseInt(f[2]!, 10) || 0 });
    }
  } finally {
    proc.close();
  }
  const lvm = new Map<string, string>();
  const byId = open(ctx, "/dev/disk/by-id", false);
  try {
    for (const e of listEntries(byId)) {
      if (!e.name.startsWith("dm-name-")) continue;
      lvm.set(basename(readLink(byId, e.name)), e.name.slice("dm-name-".length));
    }
  } finally {
    byId.close();
  }
  const mounts = new Map<string, string>();
  const proc2 = open(ctx, "/proc", false);
  try {
    for (const l of lines(readMountTable(proc2), 0)) {
      const f = l.trim().split(/\s+/);
      if (f.length < 2 || !f[0]!.startsWith("/dev")) continue;
      const dev = f[0]!.startsWith("/dev/mapper/") ? f[0]!.slice(12) : f[0]!.slice(5);
      mounts.set(dev, f[1]!);
    }
    for (const l of lines(readIn(proc2, "swaps", true), 1)) {
      const dev = l.trim().split(/\s+/)[0];
      if (!dev) continue;
      const n = dev.startsWith("/dev/") ? dev.slice(5) : dev;
      mounts.set(lvm.get(n) ?? n, "[SWAP]");
    }
  } finally {
    proc2.close();
  }
  const out: Record<string, BlockDevice> = {};
  for (const p of parts.values()) {
    const lvmName = lvm.get(p.name);
    const name = lvmName ?? p.name;
    const dev = open(ctx, `/sys/dev/block/${p.maj}:${p.min}`, true);
    try {
      let type = "lvm";
      if (lvmName === undefined) {
        const line = readIn(dev, "uevent")
          .split("\n")
          .find((l) => l.startsWith("DEVTYPE"));
        type = line === undefined ? "unknown" : line.slice(line.lastIndexOf("=") + 1);
      }
      const flag = (file: string): string => {
        try {
          return readIn(dev, file).trim();
        } catch {
          return "0";
        }
      };
      out[name] = {
        name,
        type,
        maj: p.maj,
        min: p.min,
        size_kib: p.size,
        removable: type === "partition" ? "0" : flag("removable"),
        read_only: flag("ro"),
        mount_point: mounts.get(name) ?? "",
        children: [],
      };
    } finally {
      dev.close();
    }
  }
  for (const [name, d] of Object.entries(out)) {
    if (d.type === "lvm") {
      let slaves: DirHandle;
      try {
        slaves = open(ctx, `/sys/dev/block/${d.maj}:${d.min}/slaves`, true);
      } catch {
        continue;
      }
      try {
        for (const e of listEntries(slaves)) out[e.name]?.children.push(name);
      } catch {
        // Rex skips a slaves directory it cannot list
      } finally {
        slaves.close();
      }
    } else if (d.type === "partition") {
      const block = open(ctx, "/sys/dev/block", false);
      try {
        const target = readLink(block, `${d.maj}:${d.min}`);
        const parentName = basename(dirname(target));
        const parent = lvm.get(parentName) ?? parentName;
        if (parts.has(parent) || out[parent] !== undefined) out[parent]?.children.push(name);
      } catch (err) {
        if (!(err instanceof HostError)) throw err;
      } finally {
        block.close();
      }
    }
  }
  return out;
}
