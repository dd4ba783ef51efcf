import { writeSync } from "node:fs";
import type { HostContext } from "../context.js";
import { errnoCode, HostError, ioError } from "../errors.js";
import { openDir } from "../fs/dir.js";
import { walk } from "../fs/dir-ops.js";
import { checkFile, openFileIn } from "../fs/file.js";
import { compileRegex } from "../regex.js";

/** One kernel parameter (Rex's `SysctlEntry`). */
export interface SysctlEntry {
  key: string;
  value: string;
}

const PROC_SYS = "/proc/sys";
/** Files Rex skips in `find` (reading them has side effects or always fails). */
const SKIPPABLE = new Set(["base_reachable_time", "retrans_time", "stat_refresh"]);
/** Cap on entries `find` returns. */
export const MAX_SYSCTL_ENTRIES = 100_000;

const keyToPath = (key: string): string => `${PROC_SYS}/${key.replaceAll(".", "/")}`;

function split(key: string): { parent: string; name: string } {
  const path = keyToPath(key);
  const i = path.lastIndexOf("/");
  const name = path.slice(i + 1);
  if (name === "" || name === "..") {
    throw new HostError("IoError", `Invalid sysctl path: ${path}`, "SysteminfoErrorKind");
  }
  return { parent: path.slice(0, i), name };
}

/** `sysctl_read(key)` / `SysctlManager().read(key)`: open D(parent), open F, read F; value trimmed. */
export function sysctlRead(ctx: HostContext, key: string): string {
  const { parent, name } = split(key);
  const dir = openDir(ctx, parent, {});
  try {
    const f = openFileIn(dir, name, { read: true });
    try {
      return f.read().trim();
    } finally {
      f.close();
    }
  } finally {
    dir.close();
  }
}

/**
 * `sysctl_write(key, value)`: open D(parent), open F (write), write F (one write, as Rex for /proc/sys). ENOENT is Rex's
 * InvalidParameter, EINVAL its InvalidValue.
 */
export function sysctlWrite(ctx: HostContext, key: string, value: string): void {
  const { parent, name } = split(key);
  try {
    const dir = openDir(ctx, parent, {});
    try {
      const f = openFileIn(dir, name, { write: true });
      try {
        // Rex's write_in_place with `special_file`: the write only (no truncate/fsync on procfs)
        checkFile(ctx, "write", f.fullPath());
        const bytes = Buffer.from(value, "utf8");
        try {
          let off = 0;
          while (off < bytes.length) off += writeSync(f.fd, bytes, off, bytes.length - off);
        } catch (e) {
          throw ioError(e);
        }
      } finally {
        f.close();
      }
    } finally {
      dir.close();
    }
  } catch (err) {
    const code = errnoCode((err as { cause?: unknown }).cause) ?? errnoCode(err);
    const text = err instanceof Error ? err.message : String(err);
    if (code === "ENOENT" || /\(os error 2\)/.test(text)) {
      throw new HostError("InvalidParameter", `Invalid sysctl parameter: ${key}`, "SysteminfoErrorKind");
    }
    if (code === "EINVAL" || /\(os error 22\)/.test(text)) {
      throw new HostError(
        "InvalidValue",
        `Invalid sysctl value for ${key}=${value}: Invalid argument`,
        "SysteminfoErrorKind",
      );
    }
    throw err;
  }
}

/**
 * `sysctl_find(pattern)`: open D(/proc/sys), walk it (read D, open D + read D per subdirectory); each file
 * whose full path matches the regex is opened and read (open F, read F). Unreadable values are skipped.
 */
export function sysctlFind(ctx: HostContext, pattern: string): SysctlEntry[] {
  const re = compileRegex(pattern);
  const root = openDir(ctx, PROC_SYS, {});
  const out: SysctlEntry[] = [];
  try {
    walk(root, { maxDepth: Number.POSITIVE_INFINITY }, (e) => {
      const full = `${e.dirPath}/${e.name}`;
      if (!re.test(full) || e.type !== "FILE" || SKIPPABLE.has(e.name)) return;
      if (out.length >= MAX_SYSCTL_ENTRIES) return;
      try {
        const f = openFileIn(e.dir!, e.name, { read: true });
        try {
          out.push({ key: full.slice(PROC_SYS.length + 1).replaceAll("/", "."), value: f.read().trim() });
        } finally {
          f.close();
        }
      } catch (err) {
        ctx.log?.("WARN", `Failed to read ${full}, skipping: ${(err as Error).message}`);
      }
    });
  } finally {
    root.close();
  }
  return out;
}
