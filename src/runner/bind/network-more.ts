import type { HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { bindEnum, enumValue } from "./enums.js";
import { toValue } from "./system.js";

const TCP_CONSTS: Record<string, string> = {
  ESTABLISHED: "Established",
  SYN_SENT: "SynSent",
  SYN_RECV: "SynRecv",
  FIN_WAIT1: "FinWait1",
  FIN_WAIT2: "FinWait2",
  TIME_WAIT: "TimeWait",
  CLOSE: "Close",
  CLOSE_WAIT: "CloseWait",
  LAST_ACK: "LastAck",
  LISTEN: "Listen",
  CLOSING: "Closing",
  NEW_SYN_RECV: "NewSynRecv",
  NONE: "None",
};

function plainly<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof HostError) throw new HostError(err.kind, err.message, err.source, true);
    throw err;
  }
}

const procValue = (p: h.SocketProcess | undefined): Value =>
  p === undefined ? undefined : V.custom("SocketProcessInfo", p);

/** netstat's map form (command `netstat()`): enums as their Debug text. */
function netstatMap(s: h.NetworkStats): Value {
  return V.map({
    internet: V.array(
      s.internet_connections.map((c) =>
        V.map({
          protocol: V.str(c.protocol),
          local_address: V.str(c.local_address),
          remote_address: V.str(c.remote_address),
          state: V.str(c.state),
          recv_queue: V.int(c.recv_queue),
          send_queue: V.int(c.send_queue),
        }),
      ),
    ),
    unix: V.array(
      s.unix_sockets.map((u) =>
        V.map({
          protocol: V.str(u.protocol),
          state: V.str(u.state),
          path: V.str(u.path),
          ref_count: V.int(u.ref_count),
        }),
      ),
    ),
  });
}

/** Rex's network SDK beyond curl/Client: connect, ip_addresses/ip_addr, network_stats/netstat, enums. */
export function bindNetworkMore(b: Binder, ctx: HostContext): void {
  bindEnum(b, "TransportProtocol", "TransportProtocol", { AUTO: "AUTO", UDP: "UDP", TCP: "TCP" });
  bindEnum(b, "NetworkProtocol", "NetworkProtocol", { TCP: "Tcp", TCP6: "Tcp6", UDP: "Udp", UDP6: "Udp6" });
  bindEnum(b, "TcpState", "TcpState", TCP_CONSTS);
  bindEnum(b, "UnixProtocol", "UnixProtocol", { STREAM: "Stream", DGRAM: "Dgram", SEQPACKET: "Seqpacket" });
  bindEnum(b, "UnixSocketState", "UnixSocketState", {
    UNCONNECTED: "Unconnected",
    CONNECTING: "Connecting",
    CONNECTED: "Connected",
    DISCONNECTING: "Disconnecting",
  });

  b.type("Connection", { toString: (v) => data<h.Connection>(v, "Connection").protocol });
  b.fn("connect", ["string", "i64", "TransportProtocol"], ([ep, port, p]) =>
    V.custom(
      "Connection",
      h.connect(ctx, str(ep!), V.asBigInt(port!), data<h.TransportProtocol>(p!, "TransportProtocol")),
    ),
  );

  const net = (v: Value) => data<h.NetworkInterface>(v, "Network");
  b.type("Network", {
    getters: {
      interface_name: (v) => V.str(net(v).interface_name),
      addresses: (v) => V.array(net(v).addresses.map(V.str)),
    },
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(net(v)) }] },
  });
  b.fn("ip_addresses", [], () => V.array(h.ipAddresses(ctx, false).map((n) => V.custom("Network", n))));
  b.fn("ip_addr", [], () =>
    V.array(plainly(() => h.ipAddresses(ctx, true)).map((n) => V.custom("Network", n))),
  );

  const ic = (v: Value) => data<h.InternetConnection>(v, "InternetConnection");
  b.type("InternetConnection", {
    getters: {
      protocol: (v) => enumValue("NetworkProtocol", ic(v).protocol),
      recv_queue: (v) => V.int(ic(v).recv_queue),
      send_queue: (v) => V.int(ic(v).send_queue),
      local_address: (v) => V.custom("SocketAddr", ic(v).local_address),
      remote_address: (v) => V.custom("SocketAddr", ic(v).remote_address),
      state: (v) => enumValue("TcpState", ic(v).state),
      inode: (v) => V.int(ic(v).inode),
      process_info: (v) => procValue(ic(v).process_info),
    },
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(ic(v)) }] },
  });
  const us = (v: Value) => data<h.UnixSocket>(v, "UnixSocket");
  b.type("UnixSocket", {
    getters: {
      protocol: (v) => enumValue("UnixProtocol", us(v).protocol),
      ref_count: (v) => V.int(us(v).ref_count),
      state: (v) => enumValue("UnixSocketState", us(v).state),
      inode: (v) => V.int(us(v).inode),
      path: (v) => V.str(us(v).path),
      process_info: (v) => procValue(us(v).process_info),
    },
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(us(v)) }] },
  });
  b.type("SocketAddr", { toString: (v) => data<string>(v, "SocketAddr") });
  const sp = (v: Value) => data<h.SocketProcess>(v, "SocketProcessInfo");
  b.type("SocketProcessInfo", {
    getters: { pid: (v) => V.int(sp(v).pid), process_name: (v) => V.str(sp(v).process_name) },
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(sp(v)) }] },
  });
  const ns = (v: Value) => data<h.NetworkStats>(v, "NetworkStats");
  b.type("NetworkStats", {
    getters: {
      internet_connections: (v) =>
        V.array(ns(v).internet_connections.map((c) => V.custom("InternetConnection", c))),
      unix_sockets: (v) => V.array(ns(v).unix_sockets.map((u) => V.custom("UnixSocket", u))),
    },
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(ns(v)) }] },
  });
  b.fn("network_stats", [], () => V.custom("NetworkStats", h.networkStats(ctx)));
  b.fn("netstat", [], () => netstatMap(plainly(() => h.networkStats(ctx))));

  type RequestData = { url: string; max?: number };
  const rq = (v: Value) => data<RequestData>(v, "Request");
  b.type("Request", {
    getters: {
      url: (v) => V.str(rq(v).url),
      method: () => V.str("Get"),
      max_text_size: (v) => (rq(v).max === undefined ? undefined : V.int(rq(v).max!)),
    },
  });
}
