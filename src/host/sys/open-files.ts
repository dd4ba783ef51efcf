import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { checkPath } from "../check-path.js";
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { HostError } from "../errors.js";
import { openDir } from "../fs/dir.js";
import { openFileIn } from "../fs/file.js";
import { listPids, readContext, readManaged } from "./proc-read.js";
import type { ProcessManager } from "./process-manager.js";
import { allowedOn, processEntity } from "./process-manager.js";

export type AccessType =
  | "File descriptor"
  | "Root directory"
  | "Working directory"
  | "Executable"
  | "Memory mapped";

/** `list_open_files` result (Rex's `OpenFileInfo`; `file_type` is lsof's REG/DIR/SOCK/…). */
export interface OpenFileInfo {
  pid: number;
  process_name: string;
  user: string;
  command: string;
  access: AccessType;
  file_type: string;
  file_path: string;
}

/** `processes_using_inode` result (Rex's `FuserInfo`; `access` joins the access kinds). */
export interface FuserInfo {
  user: string;
  pid: number;
  access: string;
  command: string;
}

const procErr = (kind: string, message: string) => new HostError(kind, message, "ProcessErrorKind");

function fileType(mode: number): string {
  switch (mode & 0o170000) {
    case 0o040000:
      return "DIR";
    case 0o100000:
      return "REG";
    case 0o120000:
      return "LNK";
    case 0o140000:
      return "SOCK";
    case 0o020000:
      return "CHR";
    case 0o060000:
      return "BLK";
    case 0o010000:
      return "FIFO";
    default:
      return "UNK";
  }
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch (err) {
    throw procErr(
      "ValidationError",
      `Validation error: Failed to canonicalize path ${path}: ${(err as Error).message}`,
    );
  }
}

const link = (p: string): string | undefined => {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
};

function unixSocketPaths(): Map<string, string> {
  const out = new Map<string, string>();
  try {
    for (const l of readFileSync("/proc/net/unix", "utf8").split("\n").slice(1)) {
      const f = l.trim().split(/\s+/);
      if (f.length >= 8) out.set(f[6]!, f.slice(7).join(" "));
    }
  } catch {
    // no socket paths
  }
  return out;
}

/** Rex's `get_all_open_files_for_process`: cwd, root, exe, mapped files (deduplicated), descriptors. */
function openFilesOf(pid: number, sockets: Map<string, string>): Array<[string, string, AccessType]> {
  const out: Array<[string, string, AccessType]> = [];
  const cwd = link(`/proc/${pid}/cwd`);
  if (cwd !== undefined) out.push([cwd, "DIR", "Working directory"]);
  const root = link(`/proc/${pid}/root`);
  if (root !== undefined) out.push([root, "DIR", "Root directory"]);
  const exe = link(`/proc/${pid}/exe`);
  if (exe !== undefined) out.push([exe, "REG", "Executable"]);
  try {
    const seen = new Set<string>();
    const rows = readFileSync(`/proc/${pid}/maps`, "utf8")
      .split("\n")
      .map((l) => l.trim().split(/\s+/));
    const key = (r: string[]) => `${r[3]}:${r[4]}`;
    const exeKey = rows.find((r) => r[5] === exe);
    for (const r of rows) {
      const path = r.slice(5).join(" ");
      if (!path.startsWith("/") || (r[3] === "00:00" && r[4] === "0")) continue;
      if (exeKey && key(r) === key(exeKey)) continue;
      if (seen.has(key(r))) continue;
      seen.add(key(r));
      out.push([path, "REG", "Memory mapped"]);
    }
  } catch {
    // Rex logs that the maps could not be read and continues
  }
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    fds = [];
  }
  for (const fd of fds) {
    const t = link(`/proc/${pid}/fd/${fd}`);
    if (t === undefined) continue;
    let m: RegExpExecArray | null;
    if (t.startsWith("/")) {
      let type = "UNK";
      try {
        type = fileType(statSync(`/proc/${pid}/fd/${fd}`).mode);
      } catch {
        type = "UNK";
      }
      out.push([t, type, "File descriptor"]);
    } else if ((m = /^socket:\[(\d+)\]$/.exec(t)))
      out.push([sockets.get(m[1]!) ?? t, "SOCK", "File descriptor"]);
    else if (/^pipe:/.test(t)) out.push([t, "FIFO", "File descriptor"]);
    else if (/^anon_inode:/.test(t)) out.push([t, "ANON_INODE", "File descriptor"]);
    else out.push([t, "UNK", "File descriptor"]);
  }
  return out;
}

const under = (p: string, target: string, sub: boolean): boolean =>
  sub ? p === target || p.startsWith(target.endsWith("/") ? target : `${target}/`) : p === target;

function checkProcDir(ctx: HostContext): void {
  checkPath(ctx, "open", "Dir", "/proc", { source: "ProcessErrorKind" });
  checkPath(ctx, "read", "Dir", "/proc", { source: "ProcessErrorKind" });
}

/**
 * `list_open_files(LsofOptions)`: open + read D(/proc); with `pid`, `list_fds` on that process (a deny is
 * an error); with `path`, `list_fds` on every process (denied ones skipped) keeping files at or under the
 * canonical path.
 */
export function listOpenFiles(
  ctx: HostContext,
  pm: ProcessManager,
  o: { path?: string; include_subdir?: boolean; pid?: number },
): OpenFileInfo[] {
  checkProcDir(ctx);
  const sockets = unixSocketPaths();
  const rc = readContext();
  const rows = (
    p: NonNullable<ReturnType<typeof readManaged>>,
    filter?: (f: string) => boolean,
  ): OpenFileInfo[] =>
    openFilesOf(p.pid, sockets)
      .filter(([f]) => filter === undefined || filter(f))
      .map(([file_path, file_type, access]) => ({
        pid: p.pid,
        process_name: p.name,
        user: p.username,
        command: p.command,
        access,
        file_type,
        file_path,
      }));
  if (o.pid !== undefined) {
    const p = readManaged(o.pid, rc);
    if (!p)
      throw procErr(
        "ProcessNotFound",
        `Process not found: Process with PID ${o.pid} does not exist: PID ${o.pid}`,
      );
    pm.remember(p);
    const ent = processEntity(p.pid, p.name, p.username, p.command);
    check(ctx, "process_system", "list_fds", ent.uid, [ent], { source: "ProcessErrorKind" });
    return rows(p);
  }
  const target = canonical(o.path ?? "");
  const out: OpenFileInfo[] = [];
  for (const pid of listPids()) {
    const p = readManaged(pid, rc);
    if (!p) continue;
    pm.remember(p);
    if (!allowedOn(ctx, "list_fds", p)) continue;
    out.push(...rows(p, (f) => under(f, target, o.include_subdir === true)));
  }
  return out;
}

/**
 * `processes_using_inode(path)` (fuser): canonical path, open + read D(/proc), `list_fds` per process
 * (denied ones skipped); how each process uses the file: descriptor, mapping, cwd, exe, root.
 */
export function processesUsingInode(ctx: HostContext, pm: ProcessManager, path: string): FuserInfo[] {
  const target = canonical(path);
  checkProcDir(ctx);
  const rc = readContext();
  const out: FuserInfo[] = [];
  for (const pid of listPids()) {
    const p = readManaged(pid, rc);
    if (!p) continue;
    pm.remember(p);
    if (!allowedOn(ctx, "list_fds", p)) continue;
    const files = openFilesOf(pid, new Map());
    const kinds: AccessType[] = [];
    if (files.some(([f, , a]) => a === "File descriptor" && f === target)) kinds.push("File descriptor");
    if (files.some(([f, , a]) => a === "Memory mapped" && f === target)) kinds.push("Memory mapped");
    for (const a of ["Working directory", "Executable", "Root directory"] as const)
      if (files.some(([f, , k]) => k === a && f === target)) kinds.push(a);
    if (kinds.length > 0) out.push({ user: p.username, pid, access: kinds.join(", "), command: p.command });
  }
  return out;
}

export interface IpcsInfo {
  shared_memory: string;
  semaphores: string;
  queues: string;
}

/** `ipcs_info()`: open D(/proc/sysvipc) + open F for shm, sem, msg, then read F for each. */
export function ipcsInfo(ctx: HostContext): IpcsInfo {
  const handles = ["shm", "sem", "msg"].map((n) => {
    const d = openDir(ctx, "/proc/sysvipc", {});
    try {
      return openFileIn(d, n, { read: true });
    } finally {
      d.close();
    }
  });
  try {
    const [shm, sem, msg] = handles.map((f) => f.read());
    return { shared_memory: shm!, semaphores: sem!, queues: msg! };
  } finally {
    for (const f of handles) f.close();
  }
}

export function ipcsText(i: IpcsInfo): string {
  return `Shared Memory Segments:\n${i.shared_memory}\n\nMessage Queues:\n${i.queues}\n\nSemaphore Arrays:\n${i.semaphores}`;
}
