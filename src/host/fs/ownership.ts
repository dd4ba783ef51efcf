import { fchmodSync, fchownSync, fstatSync } from "node:fs";
import { HostError, ioError } from "../errors.js";
import { gidOf, groupName, passwdName, uidOf } from "../sys/users.js";
import type { DirHandle } from "./dir.js";
import { openDir } from "./dir.js";
import { checkDir, walk } from "./dir-ops.js";
import type { FileHandle } from "./file.js";
import { checkFile, openFileIn, refuseSharedInode } from "./file.js";

/** Rex's `Ownership` (`.user`, `.group` names). */
export interface Ownership {
  user: string;
  group: string;
}

type Handle = { kind: "file"; h: FileHandle } | { kind: "dir"; h: DirHandle };

const pathOf = (x: Handle): string => (x.kind === "file" ? x.h.fullPath() : x.h.path);
const fdOf = (x: Handle): number => x.h.fd;
function gate(x: Handle, verb: string): void {
  if (x.kind === "file") checkFile(x.h.ctx, verb, pathOf(x));
  else checkDir(x.h.ctx, verb, pathOf(x));
}

/**
 * chmod and chown change the inode, i.e. the file under every name it has: a regular file with more
 * than one (hard links) is refused, as for in-place writes (Cedar saw one name only).
 */
function refuseLinked(x: Handle): void {
  if (x.kind === "file") refuseSharedInode(x.h.fd, pathOf(x));
}

/** `get_ownership()`: stat F/D, then the owner and group names (the id as text when unknown). */
export function getOwnership(x: Handle): Ownership {
  gate(x, "stat");
  try {
    const st = fstatSync(fdOf(x));
    return { user: passwdName(st.uid), group: groupName(st.gid) };
  } catch (err) {
    throw ioError(err);
  }
}

function validMode(p: bigint): number {
  if (p < 0n || p > 0xffffffffn)
    throw new HostError("TryFromIntError", "out of range integral type conversion attempted");
  if (p > 0o777n) {
    throw new HostError(
      "ValidationError",
      `Validation error: Invalid permissions. Permissions must be in the range 0-777 octal: 0o${p.toString(8)}`,
    );
  }
  return Number(p);
}

function chmodOne(x: Handle, mode: bigint): void {
  gate(x, "chmod");
  const m = validMode(mode);
  refuseLinked(x);
  try {
    fchmodSync(fdOf(x), m);
  } catch (err) {
    throw ioError(err);
  }
}

/** Applies `f` to the handle and, when recursive, to every entry below it (failures are logged, as Rex). */
function eachBelow(dir: DirHandle, f: (x: Handle) => void, what: string): void {
  const ctx = dir.ctx;
  walk(dir, { maxDepth: Number.POSITIVE_INFINITY }, (e) => {
    try {
      if (e.type === "FILE") {
        const fh = openFileIn(e.dir!, e.name, { read: true });
        try {
          f({ kind: "file", h: fh });
        } finally {
          fh.close();
        }
      } else if (e.type === "DIR") {
        const dh = openDir(ctx, `${e.dirPath === "/" ? "" : e.dirPath}/${e.name}`, {});
        try {
          f({ kind: "dir", h: dh });
        } finally {
          dh.close();
        }
      }
    } catch (err) {
      ctx.log?.("WARN", `Failed to ${what} '${e.name}': ${(err as Error).message}`);
    }
  });
}

/** `file.chmod(mode)`: chmod F (mode ≤ 0o777). */
export function chmodFile(f: FileHandle, mode: bigint): void {
  chmodOne({ kind: "file", h: f }, mode);
}

/** `dir.chmod(ChmodDirOptions)`: chmod D; recursive: then every file (open F + chmod F) and directory below. */
export function chmodDir(d: DirHandle, mode: bigint, recursive: boolean): void {
  if (!recursive) {
    chmodOne({ kind: "dir", h: d }, mode);
    return;
  }
  try {
    chmodOne({ kind: "dir", h: d }, mode);
  } catch (err) {
    d.ctx.log?.("WARN", `Failed to chmod root directory '${d.path}': ${(err as Error).message}`);
  }
  eachBelow(d, (x) => chmodOne(x, mode), "chmod");
}

export function resolveIds(user?: string, group?: string): { uid: number; gid: number } {
  let uid = -1;
  let gid = -1;
  if (user !== undefined) {
    const u = uidOf(user);
    if (u === undefined)
      throw new HostError(
        "IdentityResolutionError",
        `Identity resolution error: No user mapping found for uid: ${user}`,
      );
    uid = u;
  }
  if (group !== undefined) {
    const g = gidOf(group);
    if (g === undefined)
      throw new HostError(
        "IdentityResolutionError",
        `Identity resolution error: No group mapping found for gid: ${group}`,
      );
    gid = g;
  }
  return { uid, gid };
}

function chownOne(x: Handle, user?: string, group?: string): void {
  gate(x, "chown");
  const { uid, gid } = resolveIds(user, group);
  refuseLinked(x);
  try {
    fchownSync(fdOf(x), uid, gid);
  } catch (err) {
    throw ioError(err);
  }
}

export interface SetOwnershipOptions {
  user?: string;
  group?: string;
  recursive?: boolean;
}

/** `file.set_ownership(SetOwnershipOptions)`: chown F; names resolved from /etc/passwd and /etc/group. */
export function setFileOwnership(f: FileHandle, o: SetOwnershipOptions): void {
  chownOne({ kind: "file", h: f }, o.user, o.group);
}

/** `dir.set_ownership(SetOwnershipOptions)`: chown D; recursive: then every entry below (failures logged). */
export function setDirOwnership(d: DirHandle, o: SetOwnershipOptions): void {
  if (!o.recursive) {
    chownOne({ kind: "dir", h: d }, o.user, o.group);
    return;
  }
  try {
    chownOne({ kind: "dir", h: d }, o.user, o.group);
  } catch (err) {
    d.ctx.log?.("WARN", `Failed to chown root directory '${d.path}': ${(err as Error).message}`);
  }
  eachBelow(d, (x) => chownOne(x, o.user, o.group), "chown");
}
