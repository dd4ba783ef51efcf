import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";

/** Rex's `State` (systemd ActiveState), lower-case as systemd spells it. */
export const SERVICE_STATES = [
  "active",
  "inactive",
  "failed",
  "activating",
  "deactivating",
  "maintenance",
  "reloading",
  "refreshing",
  "unknown",
] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export function stateOf(s: string): ServiceState {
  const l = s.toLowerCase();
  return (SERVICE_STATES as readonly string[]).includes(l) ? (l as ServiceState) : "unknown";
}

/** Rex's `State::is_active`: active, reloading or refreshing. */
export const isActiveState = (s: ServiceState): boolean =>
  s === "active" || s === "reloading" || s === "refreshing";

/** `status()` result (Rex's `ServiceInfo`); tasks/memory are decimal strings (u64, often u64::MAX). */
export interface ServiceInfo {
  name: string;
  description: string;
  load_state: string;
  load_path: string;
  unit_file_state: string;
  unit_file_preset: string;
  active_state: ServiceState;
  sub_state: string;
  main_pid?: number;
  tasks?: string;
  memory?: string;
  documentation: string[];
  need_daemon_reload: boolean;
}

const SYSTEMCTL = ["/usr/bin/systemctl", "/bin/systemctl"];
const SYSTEM_BUS = "/run/dbus/system_bus_socket";
const CAP_SETUID = 7n;

const procErr = (kind: string, message: string) => new HostError(kind, message, "ProcessErrorKind");

/**
 * `SystemctlManager()`: Rex sets the saved uid to 0 (setresuid) so it can raise privileges for D-Bus calls,
 * which needs root or CAP_SETUID; without either it fails with PrivilegeError, as here.
 */
export function systemctlManager(): void {
  if (process.geteuid?.() === 0) return;
  let eff = 0n;
  try {
    const m = /^CapEff:\s+([0-9a-f]+)/m.exec(readFileSync("/proc/self/status", "utf8"));
    eff = m ? BigInt(`0x${m[1]}`) : 0n;
  } catch {
    eff = 0n;
  }
  if ((eff >> CAP_SETUID) & 1n) return;
  throw procErr(
    "PrivilegeError",
    "Failed to initialize systemd manager. Error: EPERM: Operation not permitted",
  );
}

function checkService(ctx: HostContext, verb: string, service: string): void {
  const uid = { type: "systemd::Service", id: service };
  check(ctx, "systemd", verb, uid, [plainEntity(uid.type, service, { name: service })], {
    source: "ProcessErrorKind",
  });
}

/** The systemd manager is reachable: a system bus socket and systemd as init (`sd_booted`). */
function systemctl(ctx: HostContext, args: string[], service?: string): string {
  const socket = process.env.DBUS_SYSTEM_BUS_ADDRESS === undefined ? SYSTEM_BUS : undefined;
  if (socket !== undefined && !existsSync(socket)) {
    throw procErr(
      "DBusError",
      "Failed to connect to system bus: I/O error: No such file or directory (os error 2)",
    );
  }
  const bin = SYSTEMCTL.find((p) => existsSync(p));
  if (bin === undefined || !existsSync("/run/systemd/system")) {
    throw procErr(
      "DBusError",
      "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.systemd1 was not provided by any .service files",
    );
  }
  const r = process.getBuiltinModule("node:child_process").spawnSync(bin, args, {
    env: {},
    encoding: "utf8",
    timeout: hostTimeout(ctx, 60_000),
    maxBuffer: 1024 * 1024,
  });
  if (r.error) throw procErr("DBusError", r.error.message);
  if (r.status !== 0) {
    const err = (r.stderr || "").trim();
    if (service !== undefined && /not found|not loaded|No such file/i.test(err)) {
      throw procErr("ServiceNotFound", `Unit: ${service}`);
    }
    throw procErr("DBusError", err.slice(0, 500) || `systemctl exited with ${r.status}`);
  }
  return r.stdout;
}

/** `start`/`stop`/`restart`/`try_restart`: the Cedar request, then the job is queued (mode "replace"). */
export function systemdUnitAction(
  ctx: HostContext,
  op: "start" | "stop" | "restart" | "try_restart",
  service: string,
): void {
  checkService(ctx, op === "try_restart" ? "restart" : op, service);
  const verb = op === "try_restart" ? "try-restart" : op;
  systemctl(ctx, ["--no-block", "--job-mode=replace", verb, "--", service], service);
}

/** `daemon_reload()`: `systemd::Action::"daemon_reload"` on `systemd::Systemd` with a random id. */
export function daemonReload(ctx: HostContext): void {
  const id = randomUUID();
  const uid = { type: "systemd::Systemd", id };
  check(ctx, "systemd", "daemon_reload", uid, [plainEntity(uid.type, id)], { source: "ProcessErrorKind" });
  systemctl(ctx, ["daemon-reload"]);
}

const PROPS = [
  "ActiveState",
  "SubState",
  "LoadState",
  "Description",
  "FragmentPath",
  "UnitFileState",
  "UnitFilePreset",
  "Documentation",
  "NeedDaemonReload",
  "MainPID",
  "TasksCurrent",
  "MemoryCurrent",
];

/** `status(service)`: `systemd::Action::"status"` on the Service, then its unit properties. */
export function serviceStatus(ctx: HostContext, service: string): ServiceInfo {
  checkService(ctx, "status", service);
  const out = systemctl(ctx, ["show", `--property=${PROPS.join(",")}`, "--", service], service);
  const p = new Map<string, string>();
  for (const line of out.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) p.set(line.slice(0, i), line.slice(i + 1));
  }
  const active = stateOf(p.get("ActiveState") ?? "");
  const info: ServiceInfo = {
    name: service,
    description: p.get("Description") ?? "",
    load_state: p.get("LoadState") ?? "",
    load_path: p.get("FragmentPath") ?? "",
    unit_file_state: p.get("UnitFileState") ?? "",
    unit_file_preset: p.get("UnitFilePreset") ?? "",
    active_state: active,
    sub_state: p.get("SubState") ?? "",
    documentation: (p.get("Documentation") ?? "").split(" ").filter((x) => x !== ""),
    need_daemon_reload: p.get("NeedDaemonReload") === "yes",
  };
  if (isActiveState(active)) {
    info.main_pid = Number(p.get("MainPID") ?? 0);
    const u64 = (v: string | undefined) =>
      v === undefined || v === "[not set]" ? "18446744073709551615" : v;
    info.tasks = u64(p.get("TasksCurrent"));
    info.memory = u64(p.get("MemoryCurrent"));
  }
  return info;
}
