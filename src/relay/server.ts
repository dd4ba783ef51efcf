import type { IncomingMessage } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createAdaptorServer, type HttpBindings, upgradeWebSocket } from "@hono/node-server";
import { Hono } from "hono";
import type WebSocket from "ws";
import { WebSocketServer } from "ws";
import { parseListenAddress, SigrunError } from "../core/index.js";
import { sanitizeRelayText } from "../protocol/index.js";
import type { RelayBackend } from "./backend.js";
import type { BaseConnection } from "./base-connection.js";
import { type RelayLogger, silentLogger } from "./log.js";
import { MemoryBackend } from "./memory-backend.js";
import { RelayMetrics } from "./metrics.js";
import { RelayNode, sameSecret } from "./node.js";
import { DEFAULT_LIMITS, type RelayLimits } from "./options.js";
import { RcodesignConnection } from "./rcodesign-connection.js";
import { V1Connection } from "./v1-connection.js";

/** Options of {@link startRelay}. */
export interface StartRelayOptions {
  /** `host:port` (port 0 = any free port). Default `127.0.0.1:8787`. */
  listen?: string;
  /** `memory` (default), `{ redis: "redis://…", prefix? }`, or a backend instance (not closed by us). */
  backend?: "memory" | { redis: string; prefix?: string } | RelayBackend;
  limits?: Partial<RelayLimits>;
  /** Plain text shown to clients in `welcome`/`greeting`. */
  motd?: string;
  /** Require this access token (v1: `hello.token`; rcodesign: `?token=` or `Authorization: Bearer`). */
  accessToken?: string;
  /** PEM certificate chain and key: serve wss:// instead of ws://. */
  tls?: { cert: string | Uint8Array; key: string | Uint8Array };
  /** Log client IPs (off by default). */
  logIps?: boolean;
  logger?: RelayLogger;
  /** Clock (tests). */
  now?: () => number;
}

/** A running relay. `url` is the sigrun v1 endpoint; `rcodesignUrl` the compatibility endpoint. */
export interface RunningRelay {
  url: string;
  rcodesignUrl: string;
  httpUrl: string;
  host: string;
  port: number;
  metrics: RelayMetrics;
  /** Stops accepting, closes every socket and the backend it created. */
  close(): Promise<void>;
}

async function makeBackend(
  b: StartRelayOptions["backend"],
): Promise<{ backend: RelayBackend; owned: boolean }> {
  if (b === undefined || b === "memory") return { backend: new MemoryBackend(), owned: true };
  if ("redis" in b) {
    const { RedisBackend } = await import("./redis-backend.js");
    return { backend: await RedisBackend.connect(b.redis, b.prefix), owned: true };
  }
  return { backend: b, owned: false };
}

/**
 * Starts a relay node in this process: hono + @hono/node-server over `ws` (noServer, maxPayload = the
 * frame cap, so an oversize frame closes that socket with 1009 and nothing else). Serves sigrun v1 on
 * `/` and `/v1`, the rcodesign protocol on `/rcodesign`, `/healthz` and `/metrics`.
 */
export async function startRelay(options: StartRelayOptions = {}): Promise<RunningRelay> {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { host, port } = parseListenAddress(options.listen ?? "127.0.0.1:8787", "--listen");
  const { backend, owned } = await makeBackend(options.backend);
  const metrics = new RelayMetrics();
  const log = options.logger ?? silentLogger;
  const node = new RelayNode(backend, limits, metrics, log, {
    motd: options.motd === undefined ? null : sanitizeRelayText(options.motd, { allowNewlines: true }),
    ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
    logIps: options.logIps ?? false,
    now: options.now ?? Date.now,
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: true,
  });
  const alive = new WeakMap<WebSocket, boolean>();
  metrics.gauge("sigrun_relay_connections_open", "open websocket connections", () => wss.clients.size);
  metrics.gauge("sigrun_relay_sessions_local", "sessions with a peer on this node", () => node.local.size);

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.get("/healthz", async (c) =>
    (await backend.healthy()) ? c.text("ok\n") : c.text("backend down\n", 503),
  );
  app.get("/metrics", (c) => c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }));

  const admit = (incoming: IncomingMessage): { ip: string } | { status: 429 } => {
    const ip = incoming.socket.remoteAddress ?? "unknown";
    const now = node.now();
    const s = node.ips.get(ip, now);
    if (s.connections >= limits.maxConnectionsPerIp || !s.connect.take(now)) {
      metrics.inc("sigrun_relay_connections_rejected_total", { reason: "ip_limit" });
      return { status: 429 };
    }
    return { ip };
  };
  const route = (
    paths: string[],
    make: (ws: WebSocket, ip: string) => BaseConnection,
    needsHttpToken: boolean,
  ) => {
    const h = async (c: import("hono").Context<{ Bindings: HttpBindings }>, next: import("hono").Next) => {
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return c.text("websocket endpoint\n", 426);
      if (needsHttpToken && options.accessToken !== undefined) {
        const auth = c.req.header("authorization");
        const given = auth?.startsWith("Bearer ") ? auth.slice(7) : (c.req.query("token") ?? "");
        if (!sameSecret(given, options.accessToken)) {
          metrics.inc("sigrun_relay_connections_rejected_total", { reason: "unauthorized" });
          return c.text("unauthorized\n", 401);
        }
      }
      const a = admit(c.env.incoming);
      if ("status" in a) return c.text("too many connections\n", 429);
      const handler = upgradeWebSocket(() => ({
        onOpen: (_evt, wsctx) => {
          const ws = wsctx.raw as WebSocket;
          alive.set(ws, true);
          ws.on("pong", () => alive.set(ws, true));
          make(ws, a.ip);
        },
      }));
      return handler(c, next);
    };
    for (const p of paths) app.get(p, h);
  };
  route(["/", "/v1"], (ws, ip) => new V1Connection(node, ws, ip), false);
  route(["/rcodesign"], (ws, ip) => new RcodesignConnection(node, ws, ip), true);

  const tls = options.tls;
  const server = createAdaptorServer({
    fetch: app.fetch,
    websocket: { server: wss },
    // slowloris: unfinished request headers are cut after httpHeadersTimeoutMs (checked 4× as often)
    serverOptions: {
      headersTimeout: limits.httpHeadersTimeoutMs,
      requestTimeout: limits.httpHeadersTimeoutMs + 5000,
      connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(limits.httpHeadersTimeoutMs / 4))),
      ...(tls ? { cert: tls.cert, key: tls.key } : {}),
    },
    ...(tls ? { createServer: createHttpsServer } : {}),
  } as Parameters<typeof createAdaptorServer>[0]);
  server.on("clientError", (_err, socket) => socket.destroy());

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
    node.ips.prune(node.now());
  }, limits.pingIntervalMs);
  ping.unref();

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) =>
      reject(new SigrunError("IO_ERROR", `listen ${host}:${port}: ${err.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  server.on("error", (err) => log("server_error", { error: err.message }));
  const addr = server.address() as AddressInfo;
  const hostText = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const scheme = tls ? "wss" : "ws";
  const base = `${scheme}://${hostText}:${addr.port}`;
  log("listening", { url: base, backend: backend.kind });

  let closing: Promise<void> | undefined;
  return {
    url: base,
    rcodesignUrl: `${base}/rcodesign`,
    httpUrl: `${tls ? "https" : "http"}://${hostText}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    metrics,
    close: () =>
      (closing ??= (async () => {
        clearInterval(ping);
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as import("node:http").Server).closeAllConnections?.();
        });
        await new Promise((r) => setImmediate(r));
        await node.drain();
        node.shutdown();
        if (owned) await backend.shutdown();
      })()),
  };
}
