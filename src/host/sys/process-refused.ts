// ProcessManager.trace and .nsenter: present under Rex's names, gated by Cedar exactly as Rex gates them,
// then refused with Rex's error kind: tracing runs gstack with CAP_SYS_PTRACE, and nsenter calls
// setns(2) in the runner's own process (CAP_SYS_ADMIN) around a script callback; Node can do neither.
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { HostError } from "../errors.js";
import { checkFile } from "../fs/file.js";
import { type ProcessManager, processEntity } from "./process-manager.js";

const procErr = (kind: string, message: string) => new HostError(kind, message, "ProcessErrorKind");

export interface NamespaceOptions {
  mount: boolean;
  net: boolean;
  pid?: number;
  net_ns_name?: string;
}

/** Rex's `NET_NS_PARENT_DIR`. */
const NET_NS_DIR = "/run/netns";

/**
 * `trace(pid)`: the pid must be one `processes()` listed (`ProcessNotFound`), then
 * `process_system::Action::"trace"` on it; then refused (`TracingError`, kind Other).
 * `trace(pid, TraceOptions().ns_pid(n).build())`: as Rex, the pid is first mapped through the namespace
 * information of process `ns_pid`, which `load_namespace_info` never loads here, so it fails before any
 * Cedar request (`PidNamespaceNotFound`, kind Other), as Rex does without that information.
 */
export function traceProcess(ctx: HostContext, pm: ProcessManager, pid: number, nsPid?: number): never {
  if (nsPid !== undefined) {
    if (!pm.cached(nsPid))
      throw procErr("ProcessNotFound", `Process not found: Process not found: PID ${nsPid}`);
    throw procErr(
      "Other",
      `PID namespace not found for PID ${pid}: Namespace information was not present in process info. Hint: use safe_processes method with the load_namespace_info option to populate namespace info first.`,
    );
  }
  const p = pm.cached(pid);
  if (!p) throw procErr("ProcessNotFound", `Process not found: Process not found: PID ${pid}`);
  const e = processEntity(p.pid, p.name, p.username, p.command);
  check(ctx, "process_system", "trace", e.uid, [e], { source: "ProcessErrorKind" });
  throw procErr(
    "Other",
    `Unable to trace process ${pid}. Error details: not supported by this runner (Rex runs gstack with CAP_SYS_PTRACE)`,
  );
}

function validate(o: NamespaceOptions): void {
  const has = (x: unknown) => x !== undefined;
  if (!has(o.pid) && !has(o.net_ns_name))
    throw procErr(
      "ValidationError",
      "Validation error: At least one namespace must be enabled. Must specify pid or namespace filename",
    );
  if (has(o.pid) && !o.mount && !o.net)
    throw procErr(
      "ValidationError",
      "Validation error: At least one namespace type (mount or net) must be enabled",
    );
  if (has(o.net_ns_name) && (has(o.pid) || o.mount))
    throw procErr(
      "ValidationError",
      "Validation error: Cannot set both name and pid, and entering a mount namespace by filename is not supported",
    );
}

const refused = (): HostError =>
  procErr(
    "NamespaceOperationError",
    "Namespace operation failed: Failed to enter requested namespaces: setns(2) in the runner's process is not supported by this runner (needs CAP_SYS_ADMIN)",
  );

/**
 * `nsenter(NamespaceOptions, callback)`: options validated as Rex (`ValidationError`); by pid: the process
 * must be one `processes()` listed, then `process_system::Action::"mount_namespace"` (with `mount`) and
 * `"network_namespace"` (with `net`) on it; by `net_ns_name`: `file_system::Action::"network_namespace"`
 * on `File::"/run/netns/<name>"`. Then refused (`NamespaceOperationError`) before the callback runs.
 */
export function nsenter(ctx: HostContext, pm: ProcessManager, o: NamespaceOptions): never {
  validate(o);
  if (o.pid !== undefined) {
    const p = pm.cached(o.pid);
    if (!p)
      throw procErr(
        "ProcessNotFound",
        `Process not found: Process with specified PID does not exist. Hint: use safe_processes method to get the target process pid first.: PID ${o.pid}`,
      );
    const e = processEntity(p.pid, p.name, p.username, p.command);
    if (o.mount) check(ctx, "process_system", "mount_namespace", e.uid, [e], { source: "ProcessErrorKind" });
    if (o.net) check(ctx, "process_system", "network_namespace", e.uid, [e], { source: "ProcessErrorKind" });
    throw refused();
  }
  const name = o.net_ns_name ?? "";
  if (name === "" || name.includes("/") || name === "." || name === "..")
    throw procErr(
      "ValidationError",
      `Validation error: invalid network namespace name ${JSON.stringify(name)}`,
    );
  try {
    checkFile(ctx, "network_namespace", `${NET_NS_DIR}/${name}`);
  } catch (err) {
    if (err instanceof HostError) throw new HostError(err.kind, err.message, "ProcessErrorKind");
    throw err;
  }
  throw refused();
}
