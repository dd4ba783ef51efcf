// Permitted/denied cases for Rex's systemd API (SystemctlManager). CI containers run no systemd and no
// system D-Bus, so the permitted runs check the Cedar request and then Rex's "not available" error
// (DBusError); on a host running systemd they check that a unit that does not exist is ServiceNotFound
// (start) or loads as "not-found" (status). No stand-in service manager is started.
import { existsSync, readFileSync } from "node:fs";
import type { HostCase } from "./index.js";

const UNIT = "sigrun-no-such-unit.service";

function systemdRuns(): boolean {
  return (
    existsSync("/run/dbus/system_bus_socket") &&
    existsSync("/run/systemd/system") &&
    (existsSync("/usr/bin/systemctl") || existsSync("/bin/systemctl"))
  );
}

/** SystemctlManager() needs root or CAP_SETUID (Rex sets a saved uid of 0). */
function cannotSetuid(): string | false {
  if (process.geteuid?.() === 0) return false;
  try {
    const m = /^CapEff:\s+([0-9a-f]+)/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m && (BigInt(`0x${m[1]}`) >> 7n) & 1n) return false;
  } catch {
    // not Linux
  }
  return "SystemctlManager() needs root or CAP_SETUID, as in Rex";
}

/** The script's result: the error kind, or `ok` / the load state when the call worked. */
const attempt = (call: string, value: string) =>
  `let out = (); try { let r = SystemctlManager().${call}; out = ${value}; } catch (e) { if e.kind == ProcessErrorKind::PermissionDenied { throw e; } out = e.kind; } out`;

const unitCase = (name: string, verb: string, call: string): HostCase => ({
  name,
  skip: cannotSetuid,
  script: () => attempt(call, `"ok"`),
  allow: () =>
    `permit(principal, action == systemd::Action::"${verb}", resource is systemd::Service) when { resource.name == "${UNIT}" };`,
  deny: () =>
    `permit(principal, action == systemd::Action::"${verb}", resource) when { resource.name == "other.service" };`,
  output: systemdRuns() ? "ServiceNotFound" : "DBusError",
  seq: [`allow ${verb} systemd::Service::"${UNIT}"`],
});

export const SYSTEMD_CASES: HostCase[] = [
  unitCase("SystemctlManager.start", "start", `start("${UNIT}")`),
  unitCase("SystemctlManager.stop", "stop", `stop("${UNIT}")`),
  unitCase("SystemctlManager.restart", "restart", `restart("${UNIT}")`),
  unitCase("SystemctlManager.try_restart", "restart", `try_restart("${UNIT}")`),
  {
    name: "SystemctlManager.status",
    skip: cannotSetuid,
    script: () => attempt(`status("${UNIT}")`, "r.load_state"),
    allow: () =>
      `permit(principal, action == systemd::Action::"status", resource == systemd::Service::"${UNIT}");`,
    deny: () =>
      `permit(principal, action == systemd::Action::"start", resource == systemd::Service::"${UNIT}");`,
    output: systemdRuns() ? "not-found" : "DBusError",
    seq: [`allow status systemd::Service::"${UNIT}"`],
  },
  {
    name: "SystemctlManager.daemon_reload",
    skip: () => cannotSetuid() || (systemdRuns() ? "would reload the host's systemd" : false),
    script: () => attempt("daemon_reload()", `"ok"`),
    allow: () =>
      `permit(principal, action == systemd::Action::"daemon_reload", resource is systemd::Systemd);`,
    deny: () => `permit(principal, action == systemd::Action::"status", resource);`,
    output: "DBusError",
  },
];

/** systemd names that make no Cedar request: the manager constructor, results, State and its operators. */
export function isSystemdUngated(name: string): boolean {
  if (/^(ServiceInfo|State)\./.test(name)) return true;
  return ["SystemctlManager", "==", "!="].includes(name);
}
