import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  futimesSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { errnoCode, HostError, ioError } from "../errors.js";
import { buildPath } from "../path.js";
import type { DirHandle } from "./dir.js";
import { checkDir } from "./dir-ops.js";
import type { FileHandle } from "./file.js";
import { checkFile } from "./file.js";
import { resolveIds } from "./ownership.js";
import { readAllBytes } from "./read-bytes.js";

/** Largest decompressed archive (gzip bombs stop here) and most members; Rex has neither cap. */
export const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;
export const MAX_ARCHIVE_ENTRIES = 10_000;

/** One archive member as the tar reader gives it (the runner passes the bundle module's reader). */
export interface ArchiveMember {
  readonly name: string;
  readonly kind: "file" | "dir" | "other";
  readonly typeflag: string;
  readonly data: Uint8Array;
  readonly mode: number;
  readonly mtime: number;
  readonly uname: string;
  readonly gname: string;
}

/** Decompresses and parses a `.tar.gz` (with the caps above); throws on anything malformed. */
export type ArchiveReader = (gz: Uint8Array) => readonly ArchiveMember[];

/** Rex's `ExtractArchiveOptions` (defaults: permissions and timestamps preserved, ownership not). */
export interface ExtractArchiveOptions {
  preserve_permissions?: boolean;
  preserve_ownership?: boolean;
  preserve_timestamps?: boolean;
}

/**
 * The member's path relative to the destination: leading `./` removed (and a trailing `/`); `""` for the
 * archive's root entry. Anything that could leave the destination — an absolute name, a `..` component —
 * and empty or `.` components are refused for the whole archive before anything is written.
 */
function relativeName(name: string): string {
  let n = name;
  while (n.startsWith("./")) n = n.slice(2);
  if (n.endsWith("/")) n = n.slice(0, -1);
  if (n === "" || n === ".") return "";
  const bad = (why: string) =>
    new HostError("InvalidPath", `Invalid path: archive entry ${why}: ${JSON.stringify(name)}`);
  if (n.startsWith("/")) throw bad("is an absolute path");
  for (const part of n.split("/")) {
    if (part === "..") throw bad("leaves the destination directory");
    if (part === "" || part === ".") throw bad("has an empty or '.' component");
  }
  return n;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Rex's `safe_create_sub_directories`: create D(<dest>/<prefix>) for every prefix of `rel`, then creates
 * the missing directories one component at a time relative to the destination's descriptor, each opened
 * `O_NOFOLLOW` (a symlink in the way is refused, never followed). Returns the leaf's descriptor.
 */
function subdirs(dest: DirHandle, rel: string): number {
  const parts = rel === "" ? [] : rel.split("/");
  for (let i = 1; i <= parts.length; i++) {
    checkDir(dest.ctx, "create", buildPath(dest.path, parts.slice(0, i).join("/")));
  }
  let fd = openSync(dest.at(""), DIR_FLAGS);
  try {
    for (const part of parts) {
      const at = `/proc/self/fd/${fd}/${part}`;
      try {
        mkdirSync(at, { mode: 0o777 });
      } catch (err) {
        if (errnoCode(err) !== "EEXIST") throw ioError(err);
      }
      let next: number;
      try {
        next = openSync(at, DIR_FLAGS);
      } catch (err) {
        const code = errnoCode(err);
        if (code === "ELOOP" || code === "ENOTDIR") {
          throw new HostError(
            "DirectoryOpenError",
            `Directory error: Not a directory, enable follow_symlinks to open the target directory: ${buildPath(dest.path, rel)}`,
          );
        }
        throw ioError(err);
      }
      closeSync(fd);
      fd = next;
    }
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

const owner = (m: ArchiveMember) => resolveIds(m.uname || undefined, m.gname || undefined);

function extractFile(dest: DirHandle, rel: string, m: ArchiveMember, o: ExtractArchiveOptions): void {
  const ctx = dest.ctx;
  const full = buildPath(dest.path, rel);
  checkFile(ctx, "create", full);
  checkFile(ctx, "write", full);
  const slash = rel.lastIndexOf("/");
  const base = rel.slice(slash + 1);
  const tmpName = `.${base}.sigrun-${process.pid}-${Date.now().toString(36)}`;
  const dirFd = subdirs(dest, slash === -1 ? "" : rel.slice(0, slash));
  try {
    // the temporary file is a file this extraction creates: it needs `create` where it is made
    checkFile(ctx, "create", `${full.slice(0, full.length - base.length)}${tmpName}`);
  } catch (err) {
    closeSync(dirFd);
    throw err;
  }
  const tmp = `/proc/self/fd/${dirFd}/${tmpName}`;
  let fd: number | undefined;
  try {
    fd = openSync(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    let off = 0;
    while (off < m.data.byteLength) off += writeSync(fd, m.data, off, m.data.byteLength - off);
    if (o.preserve_permissions !== false) {
      try {
        checkFile(ctx, "chmod", full);
        fchmodSync(fd, m.mode & 0o777);
      } catch (err) {
        ctx.log?.("WARN", `Could not set permissions for file ${rel}: ${(err as Error).message}`);
      }
    } else fchmodSync(fd, 0o644);
    if (o.preserve_ownership === true) {
      try {
        checkFile(ctx, "chown", full);
        const { uid, gid } = owner(m);
        fchownSync(fd, uid, gid);
      } catch (err) {
        ctx.log?.("WARN", `Could not preserve ownership for file ${rel}: ${(err as Error).message}`);
      }
    }
    if (o.preserve_timestamps !== false) futimesSync(fd, new Date(), m.mtime);
    fsyncSync(fd);
    renameSync(tmp, `/proc/self/fd/${dirFd}/${base}`);
  } catch (err) {
    if (fd !== undefined) {
      try {
        unlinkSync(tmp);
      } catch {
        // never created or already renamed
      }
    }
    throw ioError(err);
  } finally {
    if (fd !== undefined) closeSync(fd);
    closeSync(dirFd);
  }
}

function applyDir(dest: DirHandle, rel: string, m: ArchiveMember, o: ExtractArchiveOptions): void {
  const ctx = dest.ctx;
  const full = buildPath(dest.path, rel);
  const fd = subdirs(dest, rel);
  try {
    // Rex opens the directory as one subdirectory name, and when that is refused (a path with `/`),
    // component by component: the same open D requests
    checkDir(ctx, "open", full);
    if (rel.includes("/")) {
      const parts = rel.split("/");
      for (let i = 1; i <= parts.length; i++)
        checkDir(ctx, "open", buildPath(dest.path, parts.slice(0, i).join("/")));
    }
    if (o.preserve_permissions !== false) {
      try {
        checkDir(ctx, "chmod", full);
        if (m.mode > 0o777)
          throw new HostError(
            "ValidationError",
            `Validation error: Invalid permissions: 0o${m.mode.toString(8)}`,
          );
        fchmodSync(fd, m.mode);
      } catch (err) {
        ctx.log?.("WARN", `Could not set permissions for directory ${rel}: ${(err as Error).message}`);
      }
    }
    if (o.preserve_ownership === true) {
      try {
        checkDir(ctx, "chown", full);
        const { uid, gid } = owner(m);
        fchownSync(fd, uid, gid);
      } catch (err) {
        ctx.log?.("WARN", `Could not preserve ownership for directory ${rel}: ${(err as Error).message}`);
      }
    }
    if (o.preserve_timestamps !== false) {
      try {
        futimesSync(fd, new Date(), m.mtime);
      } catch (err) {
        ctx.log?.("WARN", `Could not preserve timestamps for directory ${rel}: ${(err as Error).message}`);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * `archive.extract_archive(dest_dir, ExtractArchiveOptions)` (Rex's `safe_extract_archive`): read F(archive)
 * (opened for reading), then the `.tar.gz` is read whole (≤ 64 MiB compressed, ≤ 256 MiB decompressed,
 * ≤ 10,000 members; pax/GNU extension headers, bad checksums, duplicates and trailing data refused, as
 * bundles) and every name checked before anything is written. Per regular file, in archive order: create F
 * + write F(<dest>/<name>), create D for each parent prefix, create F(<parent>/<temporary name>), the data
 * into that temporary file (reached from the destination's descriptor without following symlinks), chmod F (mode & 0o777) /
 * chown F when preserving, mtime, then renamed over the name. Links, devices and FIFOs are skipped (DEBUG
 * log), as Rex. Directories last, deepest path first: create D per prefix, open D, chmod D / chown D,
 * mtime. One member's failure (a denied request included) is a WARN log and extraction goes on, as Rex.
 */
export function extractArchive(
  f: FileHandle,
  dest: DirHandle,
  o: ExtractArchiveOptions,
  reader: ArchiveReader,
): void {
  f.requireRead();
  f.pageOffset = 0;
  const ctx = f.ctx;
  let members: readonly ArchiveMember[];
  try {
    members = reader(readAllBytes(f.fd, f.fullPath()));
  } catch (err) {
    if (err instanceof HostError) throw err;
    throw new HostError("IoError", (err as Error).message);
  }
  const named = members.map((m) => ({ m, rel: relativeName(m.name) }));
  const dirs: Array<{ m: ArchiveMember; rel: string }> = [];
  for (const { m, rel } of named) {
    if (m.kind === "dir") {
      if (rel !== "") dirs.push({ m, rel });
    } else if (m.kind === "other" || rel === "") {
      ctx.log?.("DEBUG", `Skipping entry type ${JSON.stringify(m.typeflag)}: ${m.name}`);
    } else {
      try {
        extractFile(dest, rel, m, o);
        ctx.log?.("DEBUG", `Extracted file: ${rel}`);
      } catch (err) {
        ctx.log?.("WARN", `Failed to extract file ${rel}: ${(err as Error).message}`);
      }
    }
  }
  dirs.sort((a, b) => (a.rel < b.rel ? 1 : a.rel > b.rel ? -1 : 0));
  for (const { m, rel } of dirs) {
    try {
      applyDir(dest, rel, m, o);
    } catch (err) {
      ctx.log?.("WARN", `Failed to apply directory attributes ${rel}: ${(err as Error).message}`);
    }
  }
}
