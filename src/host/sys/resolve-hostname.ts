import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";
import { childJson } from "./child.js";
import type { TransportProtocol } from "./connect.js";

/** Rex's `ResolveOptions` (`ResolveConfig`): hostname required; protocol AUTO, system resolver, 5 s by default. */
export interface ResolveOptions {
  hostname: string;
  protocol?: TransportProtocol;
  /** IP address of the DNS server to ask (port 53) instead of the system's resolver. */
  resolver?: string;
  /** Seconds per query (Rex: hickory's timeout; default 5). */
  timeout?: number;
}

/** Upper bound on `timeout` (stricter than Rex, which has none): one host call stays under the wall clock. */
export const MAX_RESOLVE_TIMEOUT_SECONDS = 60;
const MAX_ADDRESSES_BYTES = 256 * 1024;

// System resolver (AUTO or UDP): getaddrinfo (hosts file, then resolv.conf's servers over UDP, TCP when a
// reply is truncated), as hickory's system configuration with its hosts file. A custom resolver: c-ares
// with that server, A and AAAA (hickory's Ipv4AndIpv6: the lookup fails only when both fail).
const PROGRAM = `
const dns = require("node:dns");
let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => {
  const o = JSON.parse(s);
  const done = (r) => process.stdout.write(JSON.stringify(r));
  if (o.lookup) {
    dns.lookup(o.host, { all: true }, (err, addrs) =>
      done(err ? { error: err.code || String(err) } : { ips: addrs.map((a) => a.address) }));
    return;
  }
  const r = new dns.Resolver({ timeout: o.timeoutMs, tries: 1 });
  if (o.servers) r.setServers(o.servers);
  const ips = []; let firstError; let pending = 2;
  const one = (err, addrs) => {
    if (err) firstError = firstError || err.code || String(err); else ips.push(...addrs);
    if (--pending === 0) done(ips.length === 0 && firstError ? { error: firstError } : { ips });
  };
  r.resolve4(o.host, one); r.resolve6(o.host, one);
});`;

const dnsError = (host: string, reason: string): HostError =>
  new HostError(
    "Other",
    `DNS resolution failed for hostname: ${host}, reason: ${reason}`,
    "SysteminfoErrorKind",
  );

/**
 * `SystemInfo().resolve_hostname(ResolveOptions)`: `sysinfo::Action::"resolve_hostname"` on
 * `sysinfo::Hostname::"<hostname>"` {hostname}, then the lookup. Returns the addresses sorted and
 * deduplicated (Rex). `TransportProtocol::TCP` (TCP only) is refused: node:dns has no TCP-only mode.
 */
export function resolveHostname(ctx: HostContext, o: ResolveOptions): string[] {
  const host = o.hostname;
  const uid = { type: "sysinfo::Hostname", id: host };
  check(ctx, "sysinfo", "resolve_hostname", uid, [plainEntity(uid.type, host, { hostname: host })], {
    messageId: `sysinfo::Hostname::${JSON.stringify(host)}`,
    source: "SysteminfoErrorKind",
  });
  if (host.length === 0 || host.length > 253 || /[\0-\x20\x7f]/.test(host))
    throw dnsError(host, "invalid hostname");
  const protocol = o.protocol ?? "AUTO";
  if (protocol === "TCP")
    throw new HostError(
      "Other",
      `DNS resolution failed for hostname: ${host}, reason: TCP-only resolution is not supported by this runner`,
      "SysteminfoErrorKind",
    );
  let servers: string[] | undefined;
  if (o.resolver !== undefined) {
    // node:net loads on first use, not with this module (sigrun run's script thread starts faster)
    if (process.getBuiltinModule("node:net").isIP(o.resolver) === 0)
      throw dnsError(host, "failed to parse resolver IP address: invalid IP address syntax");
    servers = [o.resolver];
  }
  const seconds = o.timeout ?? 5;
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    throw new HostError(
      "Other",
      "Parameter conversion failed for timeout: out of range integral type conversion attempted",
      "SysteminfoErrorKind",
      true,
    );
  if (seconds === 0) throw dnsError(host, "request timed out");
  const timeoutMs = Math.min(seconds, MAX_RESOLVE_TIMEOUT_SECONDS) * 1000;
  // the system resolver (AUTO or UDP) goes through getaddrinfo, which also reads the hosts file as hickory does
  const lookup = servers === undefined;
  // c-ares waits `timeoutMs` per server and family; the child gets the lookups' time plus start-up.
  const r = childJson(
    PROGRAM,
    { host, lookup, servers, timeoutMs },
    hostTimeout(ctx, timeoutMs * 2 + 5000),
    MAX_ADDRESSES_BYTES,
  ) as {
    ips?: string[];
    error?: string;
  };
  if (r.error !== undefined) throw dnsError(host, r.error === "ETIMEOUT" ? "request timed out" : r.error);
  return [...new Set(r.ips ?? [])].sort();
}
