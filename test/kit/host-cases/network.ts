// Permitted/denied cases for connect, ip_addresses/ip_addr and network_stats/netstat.
import { existsSync } from "node:fs";
import type { HostCase } from "./index.js";

const LIST = `permit(principal, action == sysinfo::Action::"list", resource);`;
const PROC_READ = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"/proc");
permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource == file_system::File::"/proc");`;
const TABLES = ["tcp", "tcp6", "udp", "udp6", "unix"];
const NETSTAT_SEQ = [
  ...TABLES.flatMap((t) => [`allow open File::"/proc/net/${t}"`, `allow read File::"/proc/net/${t}"`]),
  'allow open File::"/proc"',
  'allow read File::"/proc"',
];
const linux = () => (TABLES.every((t) => existsSync(`/proc/net/${t}`)) ? false : "no /proc/net tables");
const port = (url: string | undefined) => new URL(url ?? "http://127.0.0.1:1").port;

export const NETWORK_CASES: HostCase[] = [
  {
    name: "connect",
    skip: (e) => (e.httpBase ? false : "no local HTTP server"),
    script: (_d, e) =>
      `let c = connect("127.0.0.1", ${port(e.httpBase)}, TransportProtocol::TCP); c.to_string()`,
    allow: () =>
      `permit(principal, action == network::Action::"connect", resource == network::url::"127.0.0.1");`,
    deny: () =>
      `permit(principal, action == network::Action::"connect", resource == network::url::"localhost");`,
    output: "Tcp",
    seq: ['allow connect network::url::"127.0.0.1"'],
  },
  {
    name: "ip_addresses",
    script: () => `ip_addresses().map(|n| n.interface_name).len() > 0`,
    allow: () => LIST,
    output: "true",
  },
  {
    name: "ip_addr",
    script: () => `ip_addr().map(|n| n.to_map()).len() > 0`,
    allow: () => LIST,
    output: "true",
  },
  {
    name: "network_stats",
    skip: linux,
    script: () =>
      `let s = network_stats(); s.unix_sockets.all(|u| u.ref_count >= 0) && s.internet_connections.all(|c| c.protocol == NetworkProtocol::TCP || c.protocol == NetworkProtocol::TCP6 || c.state == TcpState::NONE)`,
    allow: () => PROC_READ,
    // the socket tables may be read but not /proc (the process scan)
    deny: () =>
      `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"/proc/net");`,
    output: "true",
    seq: NETSTAT_SEQ,
  },
  {
    name: "netstat",
    skip: linux,
    script: () =>
      `let n = netstat(); type_of(n.internet) == "array" && n.unix.all(|u| u.protocol in ["Stream", "Dgram", "Seqpacket"])`,
    allow: () => PROC_READ,
    output: "true",
    seq: NETSTAT_SEQ,
  },
];

/** Network names that make no Cedar request: result values, enums, Request getters. */
export function isNetworkUngated(name: string): boolean {
  if (
    /^(Connection|Network|InternetConnection|UnixSocket|SocketAddr|SocketProcessInfo|NetworkStats)\./.test(
      name,
    )
  )
    return true;
  return ["Request.url", "Request.method", "Request.max_text_size"].includes(name);
}
