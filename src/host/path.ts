import { readdirSync } from "node:fs";
import { HostError } from "./errors.js";

/** Longest path accepted (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096;

const INVALID_CHARS = /[<>"|?*\u0000-\u001f]/;

/**
 * Rex's `validate_path` (entity construction): no control characters and none of `< > " | ? *`, absolute,
 * no `..` component; its errors are of kind `Other`. Stricter than Rex: empty (`//`) and `.` components
 * are refused as `InvalidPath`, so one file has exactly one spelling and a `forbid` on it cannot be
 * side-stepped by writing `/etc/./shadow`.
 */
export function validatePath(path: string): void {
  if (INVALID_CHARS.test(path)) throw new HostError("Other", `Path contains invalid characters ${path}`);
  if (LONE_SURROGATE.test(path)) {
    throw new HostError("Other", `Path contains invalid characters ${JSON.stringify(path).slice(1, -1)}`);
  }
  if (!path.startsWith("/")) throw new HostError("Other", `Path is not absolute ${path}`);
  const parts = path.split("/");
  if (parts.includes("..")) throw new HostError("Other", `Path traversal detected ${path}`);
  if (Buffer.byteLength(path, "utf8") > MAX_PATH_BYTES) {
    throw new HostError("InvalidPath", `Invalid path: path longer than ${MAX_PATH_BYTES} bytes`);
  }
  // parts[0] is "" (leading "/"); a single trailing "/" is allowed.
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    if (p === ".")
      throw new HostError("InvalidPath", "Invalid path: Current directory reference is not allowed");
    if (p === "" && i !== parts.length - 1) {
      throw new HostError("InvalidPath", `Invalid path: empty path component: ${path}`);
    }
  }
  refuseOwnProcess(path);
}

/** A lone UTF-16 surrogate: Cedar would see it, while the file system opens U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const PROC_ENTRY = /^\/proc\/(self|thread-self|\d+)(\/|$)/;

/**
 * The runner's own process under /proc (`self`, `thread-self`, its pid or any of its thread ids): its
 * environment, memory and open descriptors hold the runner's (the agent's) secrets, and no policy can
 * name its pid, so scripts never reach it, whatever the policy says.
 */
function refuseOwnProcess(path: string): void {
  const m = PROC_ENTRY.exec(path);
  if (m === null) return;
  const id = m[1]!;
  let own = id === "self" || id === "thread-self" || id === String(process.pid);
  if (!own) {
    try {
      own = readdirSync("/proc/self/task").includes(id);
    } catch {
      own = false;
    }
  }
  if (own) {
    throw new HostError(
      "PermissionDenied",
      `Permission denied: the runner's own process is not accessible to scripts: ${path}`,
    );
  }
}

/** Rust's `Path::join` for a single file name under a directory path. */
export function buildPath(dir: string, name: string): string {
  if (name.startsWith("/")) return name;
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/** Splits an absolute path into parent and last component (Rust `parent()` / `file_name()`). */
export function splitPath(path: string): { parent: string; name: string } | undefined {
  const p = path !== "/" && path.endsWith("/") ? path.slice(0, -1) : path;
  if (p === "/" || p === "") return undefined;
  const i = p.lastIndexOf("/");
  if (i < 0) return { parent: ".", name: p };
  return { parent: i === 0 ? "/" : p.slice(0, i), name: p.slice(i + 1) };
}

/** A file name for `open_file`: one path component. */
export function validateBasename(name: string): void {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
    throw new HostError("InvalidPath", `Invalid path: file path must contain only a filename: ${name}`);
  }
}
