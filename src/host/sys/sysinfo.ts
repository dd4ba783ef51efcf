import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism, machine, hostname as osHostname, release, type, version } from "node:os";
import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";
import { checkFile } from "../fs/file.js";
import { childJson } from "./child.js";

/** `sysinfo::Action::"list"` on a `sysinfo::Sysinfo` with a random id (only the type is meaningful). */
export function checkSysinfo(ctx: HostContext, plain = true): void {
  const id = randomUUID();
  const uid = { type: "sysinfo::Sysinfo", id };
  check(ctx, "sysinfo", "list", uid, [plainEntity(uid.type, id)], {
    messageId: `sysinfo::Sysinfo::${JSON.stringify(id)}`,
    source: "SysteminfoErrorKind",
    plain,
  });
}

function plainFile(ctx: HostContext, path: string): void {
  try {
    checkFile(ctx, "read", path);
  } catch (err) {
    if (err instanceof HostError) throw new HostError(err.kind, err.message, "SysteminfoErrorKind", true);
    throw err;
  }
}

export function hostname(ctx: HostContext): string {
  checkSysinfo(ctx);
  return osHostname();
}

export function nproc(ctx: HostContext): number {
  checkSysinfo(ctx);
  return availableParallelism();
}

export interface UnameInfo {
  kernel_name: string;
  nodename: string;
  kernel_release: string;
  kernel_version: string;
  machine: string;
  operating_system: string;
  /** Rex reports the machine name for both (rustix uname has no processor/platform). */
  processor: string;
  hardware_platform: string;
}

export function uname(ctx: HostContext): UnameInfo {
  checkSysinfo(ctx);
  return unameData();
}

/** The uname fields (no Cedar request). */
export function unameData(): UnameInfo {
  return {
    kernel_name: type(),
    nodename: osHostname(),
    kernel_release: release(),
    kernel_version: version(),
    machine: machine(),
    operating_system: type() === "Linux" ? "GNU/Linux" : type(),
    processor: machine(),
    hardware_platform: machine(),
  };
}

export function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  let text = "";
  try {
    text = readFileSync("/proc/meminfo", "utf8");
  } catch {
    throw new HostError("IoError", "free is only supported on Linux", "SysteminfoErrorKind", true);
  }
  for (const line of text.split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * (line.endsWith("kB") ? 1024 : 1);
  }
  return out;
}

/** `free()`: read F(/proc/meminfo) for memory, then again for swap (as Rex); bytes. */
export function free(ctx: HostContext): { memory: Record<string, number>; swap: Record<string, number> } {
  plainFile(ctx, "/proc/meminfo");
  const m = meminfo();
  const memory = {
    total: m.MemTotal ?? 0,
    free: m.MemFree ?? 0,
    available: m.MemAvailable ?? 0,
    buffers: m.Buffers ?? 0,
    cached: m.Cached ?? 0,
    shared: m.Shmem ?? 0,
    used: (m.MemTotal ?? 0) - (m.MemAvailable ?? 0),
  };
  plainFile(ctx, "/proc/meminfo");
  const swap = {
    total: m.SwapTotal ?? 0,
    free: m.SwapFree ?? 0,
    used: (m.SwapTotal ?? 0) - (m.SwapFree ?? 0),
  };
  return { memory, swap };
}

const RESOLVE_PROGRAM = `
const dns = require("node:dns");
let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => {
  const { host } = JSON.parse(s);
  dns.lookup(host, { all: true }, (err, addrs) => {
    process.stdout.write(JSON.stringify(err ? { error: err.code || String(err) } : { ips: addrs.map((a) => a.address) }));
  });
});`;

/** `resolve(host)`: `sysinfo::Action::"resolve_hostname"` on `sysinfo::Hostname` (attr hostname). */
export function resolve(ctx: HostContext, host: string): string[] {
  if (host.length === 0 || host.length > 253) {
    throw new HostError("InvalidArguments", "Invalid hostname", "SysteminfoErrorKind", true);
  }
  const uid = { type: "sysinfo::Hostname", id: host };
  check(ctx, "sysinfo", "resolve_hostname", uid, [plainEntity(uid.type, host, { hostname: host })], {
    messageId: `sysinfo::Hostname::${JSON.stringify(host)}`,
    source: "SysteminfoErrorKind",
    plain: true,
  });
  const r = childJson(RESOLVE_PROGRAM, { host }, hostTimeout(ctx, 10_000), 64 * 1024) as {
    ips?: string[];
    error?: string;
  };
  if (r.error !== undefined) {
    throw new HostError("DnsError", `failed to resolve ${host}: ${r.error}`, "SysteminfoErrorKind", true);
  }
  return r.ips ?? [];
}
