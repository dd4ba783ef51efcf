import { networkInterfaces } from "node:os";
import { formatUid, plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";
import { childJson } from "./child.js";
import { checkSysinfo } from "./sysinfo.js";

export type TransportProtocol = "AUTO" | "UDP" | "TCP";

/** What `connect` returns: which transport was used (the socket itself is closed again at once). */
export interface Connection {
  protocol: "Tcp" | "Udp";
  endpoint: string;
  port: number;
}

/** Rex's PORT_CHECK_TIMEOUT_SECS. */
const CONNECT_TIMEOUT_MS = 5_000;

const CONNECT_PROGRAM = `
const net = require("node:net"), dgram = require("node:dgram"), dns = require("node:dns");
let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => {
  const { host, port, proto, timeout } = JSON.parse(s);
  const out = (x) => { process.stdout.write(JSON.stringify(x)); process.exit(0); };
  dns.lookup(host, (err, addr, family) => {
    if (err) return out({ parse: true });
    const udp = () => {
      const u = dgram.createSocket(family === 6 ? "udp6" : "udp4");
      u.on("error", (e) => out({ error: e.code || String(e), errno: e.errno }));
      u.bind(0, () => u.connect(port, addr, () => out({ ok: "Udp" })));
    };
    if (proto === "UDP") return udp();
    const c = net.connect({ host: addr, port, timeout });
    c.on("connect", () => { c.destroy(); out({ ok: "Tcp" }); });
    const fail = (e) => { c.destroy(); if (proto === "AUTO") udp(); else out({ error: e ? e.code || String(e) : "ETIMEDOUT", errno: e && e.errno }); };
    c.on("timeout", () => fail(null));
    c.on("error", fail);
  });
});`;

const IO_TEXT: Record<string, string> = {
  ECONNREFUSED: "Connection refused (os error 111)",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "No route to host (os error 113)",
  ENETUNREACH: "Network is unreachable (os error 101)",
};

/**
 * The one spelling of an endpoint that is authorized and connected to (issue 14 item 3, for `connect`):
 * the WHATWG URL host parser's — host names lower-cased (and IDNA-mapped), every IPv4 spelling the
 * resolver accepts (`127.1`, `0x7f.0.0.1`, `2130706433`, octal) as a dotted quad, IPv6 compressed
 * without brackets, and an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as its IPv4 address. Undefined
 * for what is no host (a zone id, `/`, `@`, a port).
 */
export function canonicalEndpoint(endpoint: string): string | undefined {
  const v6 = endpoint.includes(":");
  const inner = v6 && endpoint.startsWith("[") && endpoint.endsWith("]") ? endpoint.slice(1, -1) : endpoint;
  let u: URL;
  try {
    u = new URL(`http://${v6 ? `[${inner}]` : inner}/`);
  } catch {
    return undefined;
  }
  if (u.username !== "" || u.password !== "" || u.port !== "" || u.pathname !== "/" || u.search || u.hash)
    return undefined;
  const host = u.hostname;
  if (!host.startsWith("[")) return host === "" ? undefined : host;
  const addr = host.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(addr);
  if (mapped === null) return addr;
  const hi = Number.parseInt(mapped[1]!, 16);
  const lo = Number.parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * `connect(endpoint, port, protocol)`: `network::Action::"connect"` on `network::url::"<endpoint>"` — the
 * endpoint in its canonical spelling (canonicalEndpoint), which is exactly what is connected to — then a
 * TCP connect (5 s timeout), a UDP bind+connect, or AUTO: TCP, falling back to UDP. An endpoint that is no
 * host is authorized as given and then refused ("Invalid address format").
 */
export function connect(
  ctx: HostContext,
  endpoint: string,
  port: bigint,
  protocol: TransportProtocol,
): Connection {
  if (port < 0n || port > 65535n) {
    throw new HostError("Other", "out of range integral type conversion attempted", "NetworkErrorKind");
  }
  const canonical = canonicalEndpoint(endpoint);
  const uid = { type: "network::url", id: canonical ?? endpoint };
  try {
    check(ctx, "network", "connect", uid, [plainEntity(uid.type, uid.id, { url: uid.id })], {
      source: "NetworkErrorKind",
    });
  } catch (err) {
    // Rex's network denial names the resource by its uid only ("for network::url::\"…\"")
    if (err instanceof HostError && err.kind === "PermissionDenied") {
      const msg = `Permission denied: ${ctx.user} unauthorized to perform network::Action::"connect" for ${formatUid(uid)}`;
      throw new HostError(err.kind, msg, "NetworkErrorKind");
    }
    throw err;
  }
  if (canonical === undefined)
    throw new HostError("Other", `Invalid address format: ${endpoint}:${port}`, "NetworkErrorKind");
  const r = childJson(
    CONNECT_PROGRAM,
    { host: canonical, port: Number(port), proto: protocol, timeout: hostTimeout(ctx, CONNECT_TIMEOUT_MS) },
    hostTimeout(ctx, CONNECT_TIMEOUT_MS * 3),
    4096,
  ) as { ok?: "Tcp" | "Udp"; parse?: boolean; error?: string };
  if (r.parse) {
    throw new HostError("Other", `Invalid address format: ${endpoint}:${port}`, "NetworkErrorKind");
  }
  if (r.ok === undefined) {
    throw new HostError("Other", IO_TEXT[r.error ?? ""] ?? String(r.error), "NetworkErrorKind");
  }
  return { protocol: r.ok, endpoint: canonical, port: Number(port) };
}

/** One interface (Rex's `Network`): name and its addresses (without prefix length). */
export interface NetworkInterface {
  interface_name: string;
  addresses: string[];
}

/** `ip_addresses()` / `ip_addr()`: `sysinfo::Action::"list"`, then the host's interfaces. */
export function ipAddresses(ctx: HostContext, plain: boolean): NetworkInterface[] {
  checkSysinfo(ctx, plain);
  return Object.entries(networkInterfaces()).map(([name, addrs]) => ({
    interface_name: name,
    addresses: (addrs ?? []).map((a) => a.address.replace(/%.*$/, "")),
  }));
}
