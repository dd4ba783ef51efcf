import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { checkPath } from "../check-path.js";
import type { HostContext } from "../context.js";
import { HostError, osErrorText } from "../errors.js";

export type NetworkProtocol = "Tcp" | "Tcp6" | "Udp" | "Udp6";
export type UnixProtocol = "Stream" | "Dgram" | "Seqpacket";
export const TCP_STATES = [
  "Established",
  "SynSent",
  "SynRecv",
  "FinWait1",
  "FinWait2",
  "TimeWait",
  "Close",
  "CloseWait",
  "LastAck",
  "Listen",
  "Closing",
  "NewSynRecv",
] as const;
export const UNIX_STATES = ["Unconnected", "Connecting", "Connected", "Disconnecting"] as const;

export interface SocketProcess {
  pid: number;
  process_name: string;
}

/** One TCP/UDP socket (Rex's `InternetConnection`); addresses in Rust's SocketAddr display. */
export interface InternetConnection {
  protocol: NetworkProtocol;
  recv_queue: number;
  send_queue: number;
  local_address: string;
  remote_address: string;
  state: string;
  inode: number;
  process_info?: SocketProcess;
}

export interface UnixSocket {
  protocol: UnixProtocol;
  ref_count: number;
  state: string;
  inode: number;
  path: string;
  process_info?: SocketProcess;
}

export interface NetworkStats {
  internet_connections: InternetConnection[];
  unix_sockets: UnixSocket[];
}

/** Caps on sockets and processes considered. */
export const MAX_SOCKETS = 200_000;
export const MAX_SCANNED_PROCESSES = 100_000;

function netErr(err: unknown): HostError {
  return new HostError("Other", osErrorText(err), "NetworkErrorKind");
}

function readTable(ctx: HostContext, path: string): string[] {
  checkPath(ctx, "open", "File", path, { source: "NetworkErrorKind" });
  checkPath(ctx, "read", "File", path, { source: "NetworkErrorKind" });
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .slice(1, MAX_SOCKETS + 1)
      .filter((l) => l.trim() !== "");
  } catch (err) {
    throw netErr(err);
  }
}

/** `0100007F:0016` → `127.0.0.1:22`; IPv6 as four little-endian words → `[::1]:22` (Rust's display). */
export function hexAddr(hex: string, v6: boolean): string {
  const [a = "", p = "0"] = hex.split(":");
  const port = Number.parseInt(p, 16);
  if (!v6) {
    const b = Buffer.from(a, "hex").reverse();
    return `${[...b].join(".")}:${port}`;
  }
  const bytes = Buffer.alloc(16);
  for (let w = 0; w < 4; w++)
    Buffer.from(a.slice(w * 8, w * 8 + 8), "hex")
      .reverse()
      .copy(bytes, w * 4);
  return `[${ipv6Text(bytes)}]:${port}`;
}

/** RFC 5952 text of an IPv6 address (longest zero run ≥ 2 as `::`; IPv4-mapped as `::ffff:a.b.c.d`). */
function ipv6Text(b: Buffer): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i));
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

function inet(lines: string[], protocol: NetworkProtocol): InternetConnection[] {
  const v6 = protocol.endsWith("6");
  const tcp = protocol.startsWith("Tcp");
  return lines.map((l) => {
    const f = l.trim().split(/\s+/);
    const [tx = "0", rx = "0"] = (f[4] ?? "").split(":");
    const st = Number.parseInt(f[3] ?? "0", 16);
    return {
      protocol,
      recv_queue: Number.parseInt(rx, 16),
      send_queue: Number.parseInt(tx, 16),
      local_address: hexAddr(f[1] ?? "", v6),
      remote_address: hexAddr(f[2] ?? "", v6),
      state: tcp ? (TCP_STATES[st - 1] ?? "Close") : "None",
      inode: Number(f[9] ?? 0),
    };
  });
}

function unix(lines: string[]): UnixSocket[] {
  return lines.map((l) => {
    const f = l.trim().split(/\s+/);
    const type = Number.parseInt(f[4] ?? "1", 16);
    return {
      protocol: type === 2 ? "Dgram" : type === 5 ? "Seqpacket" : "Stream",
      ref_count: Number.parseInt(f[1] ?? "0", 16),
      state: UNIX_STATES[Number.parseInt(f[5] ?? "1", 16) - 1] ?? "Unconnected",
      inode: Number(f[6] ?? 0),
      path: f.slice(7).join(" "),
    };
  });
}

/** Socket inode → owning process, from /proc/<pid>/fd links (`socket:[inode]`); unreadable ones skipped. */
function socketOwners(ctx: HostContext): Map<number, SocketProcess> {
  checkPath(ctx, "open", "File", "/proc", { source: "NetworkErrorKind" });
  checkPath(ctx, "read", "File", "/proc", { source: "NetworkErrorKind" });
  const out = new Map<number, SocketProcess>();
  let pids: string[];
  try {
    pids = readdirSync("/proc")
      .filter((n) => /^\d+$/.test(n))
      .slice(0, MAX_SCANNED_PROCESSES);
  } catch (err) {
    throw new HostError(
      "ProcessEnumerationError",
      `Process enumeration failed: Failed to enumerate processes: ${osErrorText(err)}`,
      "NetworkErrorKind",
    );
  }
  for (const pid of pids) {
    let name = "unknown";
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    } catch {
      // Rex: "unknown"
    }
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) out.set(Number(m[1]), { pid: Number(pid), process_name: name });
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return out;
}

/**
 * Rex's `network_stats()` / `netstat()`: open+read F for /proc/net/tcp, tcp6, udp, udp6, then unix, then
 * open+read F(/proc) to map socket inodes to processes.
 */
export function networkStats(ctx: HostContext): NetworkStats {
  const internet = [
    ...inet(readTable(ctx, "/proc/net/tcp"), "Tcp"),
    ...inet(readTable(ctx, "/proc/net/tcp6"), "Tcp6"),
    ...inet(readTable(ctx, "/proc/net/udp"), "Udp"),
    ...inet(readTable(ctx, "/proc/net/udp6"), "Udp6"),
  ];
  const sockets = unix(readTable(ctx, "/proc/net/unix"));
  const owners = socketOwners(ctx);
  for (const c of internet) c.process_info = owners.get(c.inode);
  for (const s of sockets) s.process_info = owners.get(s.inode);
  return { internet_connections: internet, unix_sockets: sockets };
}
