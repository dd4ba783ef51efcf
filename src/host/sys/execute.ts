import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import type { CedarEntity } from "../../policy/index.js";
import { type HostContext, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";
import type { FileHandle } from "../fs/file.js";
import { checkFile } from "../fs/file.js";
import { gidOf, groupName, passwdName, uidOf } from "./users.js";

/** One argument: a positional/flag string, or a key/value pair such as `["--sort", "time"]`. */
export type ExecArg = string | [string, string];

export interface ExecuteOptions {
  args?: ExecArg[];
  env?: Record<string, string>;
  user?: string;
  group?: string;
  /** Capabilities to pass on (`CAP_NET_ADMIN`, …): Cedar-checked, then refused (see `execute`). */
  capabilities?: string[];
  /** `ChildNamespaceOptions().target_process(pid)`: enter that process's PID namespace (refused). */
  namespace?: { target_process: number };
  /** Wall-clock limit for the child (default 60 s); it is killed with SIGKILL after. */
  timeoutMs?: number;
  /** Cap on stdout and on stderr each (default 16 MiB). */
  maxOutputBytes?: number;
}

export interface ExecuteResult {
  exit_code: number;
  stdout: string;
  stderr: string;
}

export const MAX_EXEC_ARGS = 4096;

/** Linux capability names (the `caps` crate's `Capability::from_str`, which Rex's `capabilities([...])` uses). */
export const CAPABILITY_NAMES: ReadonlySet<string> = new Set(
  (
    "CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE " +
    "NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT " +
    "SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE " +
    "AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ " +
    "PERFMON BPF CHECKPOINT_RESTORE"
  )
    .split(" ")
    .map((c) => `CAP_${c}`),
);

/** Generated positional tags (`$ARG0`, `$ARG1`, …): a namespace no argument may write into. */
const GENERATED_TAG = /^\$ARG/;

/**
 * Rex's ArgumentsEntity: tags per named arg, `$ARG<i>` per positional (and the positional itself =
 * "true"). Stricter than Rex, where tags are a list of pairs that Cedar collects into a map (the last one
 * wins): no argument may produce a tag in the generated `$ARG…` namespace, and no tag may get two
 * different values, so what a policy reads is what the program gets.
 */
export function argumentsEntity(args: ExecArg[]): CedarEntity {
  const tags: Record<string, string> = Object.create(null);
  const keys: string[] = [];
  const flags: string[] = [];
  const positional: string[] = [];
  const set = (tag: string, value: string): void => {
    if (Object.hasOwn(tags, tag) && tags[tag] !== value) {
      throw new HostError(
        "InvalidArguments",
        `Invalid arguments: argument ${JSON.stringify(tag)} given twice with different values`,
      );
    }
    tags[tag] = value;
  };
  const own = (tag: string): string => {
    if (GENERATED_TAG.test(tag)) {
      throw new HostError(
        "InvalidArguments",
        `Invalid arguments: argument ${JSON.stringify(tag)}: names starting with $ARG are reserved for positional arguments`,
      );
    }
    return tag;
  };
  let i = 0;
  for (const a of args) {
    if (Array.isArray(a)) {
      set(own(a[0]), a[1]);
      keys.push(a[0]);
    } else {
      set(own(a), "true");
      set(`$ARG${i}`, a);
      if (a.startsWith("-")) flags.push(a);
      else positional.push(a);
      i++;
    }
  }
  return {
    uid: { type: "file_system::Arguments", id: randomUUID() },
    attrs: { keys, flags, positional_values: positional },
    parents: [],
    tags,
  };
}

/** Rex's EnvironmentEntity: `names` and one tag per variable. */
export function environmentEntity(env: Record<string, string>): CedarEntity {
  return {
    uid: { type: "file_system::Environment", id: randomUUID() },
    attrs: { names: Object.keys(env) },
    parents: [],
    tags: { ...env },
  };
}

function validate(opts: ExecuteOptions): void {
  const args = opts.args ?? [];
  if (args.length > MAX_EXEC_ARGS)
    throw new HostError("InvalidArguments", "Invalid arguments: too many arguments");
  for (const a of args) {
    for (const s of Array.isArray(a) ? a : [a]) {
      if (s.includes("\0"))
        throw new HostError("ValidationError", "Validation error: String contains null byte");
    }
  }
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (k === "" || k.includes("=") || k.includes("\0") || v.includes("\0")) {
      throw new HostError(
        "InvalidArguments",
        `Invalid arguments: invalid environment variable ${JSON.stringify(k)}`,
      );
    }
  }
}

/**
 * After the Cedar request, in Rex's order: entering the target's PID namespace (setns before fork), then
 * ambient capabilities for the child. Node can do neither, so both are refused with Rex's error kinds.
 */
function refuseUnsupported(opts: ExecuteOptions): void {
  if (opts.namespace) {
    const pid = opts.namespace.target_process;
    if (!existsSync(`/proc/${pid}`))
      throw new HostError("Other", `File descriptor operation failed: Failed to open pidfd for PID ${pid}`);
    throw new HostError(
      "ProcessNamespaceFatalError",
      "Process namespace fatal error: Failed to switch to namespace using pidfd: not supported by this runner (setns needs CAP_SYS_ADMIN)",
    );
  }
  if ((opts.capabilities ?? []).length > 0)
    throw new HostError(
      "UnsupportedOperationError",
      "Unsupported Operation error: passing capabilities to the child (ambient capabilities) is not supported by this runner",
    );
}

/**
 * `file.execute(ExecuteOptions)`: execute F with context `{arguments, environment, user, group}` (the
 * argument and environment entities referenced from the context). The child runs the very file that
 * was opened and checked (through its descriptor), gets exactly `env` (empty by default), and its
 * stdout/stderr are read concurrently.
 */
export function execute(file: FileHandle, opts: ExecuteOptions = {}): ExecuteResult {
  const ctx: HostContext = file.ctx;
  if (file.options.write) {
    throw new HostError(
      "InvalidFileMode",
      `Invalid file mode: Attempted to execute a file opened with write permissions. Files must be opened read-only for execution.: ${file.fullPath()}`,
    );
  }
  validate(opts);
  const args = opts.args ?? [];
  const env = opts.env ?? {};
  const curUid = process.getuid?.() ?? 0;
  const curGid = process.getgid?.() ?? 0;
  let uid = curUid;
  let gid = curGid;
  if (opts.user !== undefined) {
    const u = uidOf(opts.user);
    if (u === undefined)
      throw new HostError(
        "IdentityResolutionError",
        `Identity resolution error: user not found: ${opts.user}`,
      );
    uid = u;
  }
  if (opts.group !== undefined) {
    const g = gidOf(opts.group);
    if (g === undefined)
      throw new HostError(
        "IdentityResolutionError",
        `Identity resolution error: group not found: ${opts.group}`,
      );
    gid = g;
  }
  const argsEntity = argumentsEntity(args);
  const envEntity = environmentEntity(env);
  checkFile(
    ctx,
    "execute",
    file.fullPath(),
    {
      arguments: { __entity: argsEntity.uid },
      environment: { __entity: envEntity.uid },
      user: { username: opts.user ?? passwdName(curUid), uid },
      group: { groupname: opts.group ?? groupName(curGid), gid },
      ...(opts.namespace ? { namespace: { target_process_id: opts.namespace.target_process } } : {}),
    },
    [argsEntity, envEntity],
  );
  refuseUnsupported(opts);
  const viaFd = `/proc/${process.pid}/fd/${file.fd}`;
  const program = existsSync(viaFd) ? viaFd : file.fullPath();
  const argv = args.flatMap((a) => (Array.isArray(a) ? [a[0], a[1]] : [a]));
  const max = opts.maxOutputBytes ?? 16 * 1024 * 1024;
  // node:child_process loads on first use, not with this module (sigrun run's script thread starts faster)
  const r = process.getBuiltinModule("node:child_process").spawnSync(program, argv, {
    argv0: file.name,
    env,
    uid: uid !== curUid ? uid : undefined,
    gid: gid !== curGid ? gid : undefined,
    timeout: hostTimeout(ctx, opts.timeoutMs ?? 60_000),
    killSignal: "SIGKILL",
    maxBuffer: max,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "buffer",
  });
  if (
    r.error &&
    (r.error as NodeJS.ErrnoException).code !== "ENOBUFS" &&
    r.status === null &&
    r.signal === null
  ) {
    throw new HostError("IoError", `${(r.error as Error).message}`);
  }
  if (r.signal) throw new HostError("Other", `Process terminated by signal: ${r.signal}`);
  return {
    exit_code: r.status ?? -1,
    stdout: (r.stdout ?? Buffer.alloc(0)).toString("utf8"),
    stderr: (r.stderr ?? Buffer.alloc(0)).toString("utf8"),
  };
}
