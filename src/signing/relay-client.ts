import type WebSocket from "ws";
import { fromBase64Url, SigrunError, toBase64Url } from "../core/index.js";
import {
  type ClientMessage,
  encodeMessage,
  parseServerMessage,
  RELAY_PROTOCOL_VERSION,
  type ServerMessage,
  sanitizeRelayText,
} from "../protocol/index.js";
import { type Listener, RelayEventQueue } from "./relay-events.js";
import { errorFromWire, oneReply, openSocket, type Raw } from "./relay-socket.js";
import type { RelayClientOptions, RelayEvent, RelaySessionInfo, RelayWelcome } from "./relay-types.js";

export type { RelayClientOptions, RelayEvent, RelaySessionInfo, RelayWelcome } from "./relay-types.js";

type ResolvedOptions = Required<Omit<RelayClientOptions, "token" | "ca">> & {
  token?: string;
  ca?: string | Uint8Array;
};
type Pending = {
  resolve: (m: ServerMessage) => void;
  reject: (e: SigrunError) => void;
  timer: NodeJS.Timeout;
};

const DEFAULTS = { timeoutMs: 10_000, maxQueuedEvents: 4096, maxPendingBytes: 1 << 20 };

/**
 * A connection to a sigrun relay (protocol v1, docs/spec/relay-protocol.md). Create one with
 * {@link connectRelay}, then `create()` or `join()` a session, `send()` bytes, and read events with
 * `next()`, `for await (const ev of client)` or `on(listener)`. The relay is blind: encrypt before `send`.
 *
 * Failures are `SigrunError`s: `RELAY_UNAVAILABLE`, `TIMEOUT`, `UNAUTHORIZED`, `SESSION_NOT_FOUND`,
 * `SESSION_FULL`, `SESSION_EXPIRED`, `RATE_LIMITED`, `FRAME_TOO_LARGE`, `PROTOCOL_ERROR`, `RELAY_REJECTED`.
 *
 * After a dropped socket the client reconnects and resumes its role (if `autoResume`), emitting
 * `resumed`; `send` calls made meanwhile are queued and flushed in order. Frames in flight at the moment
 * of the drop may be lost: the channel above must number its frames and detect gaps.
 */
export class RelayClient {
  readonly url: string;
  readonly welcome: RelayWelcome;
  #ws: WebSocket;
  #opts: ResolvedOptions;
  #state: "open" | "reconnecting" | "closed" = "open";
  #session: RelaySessionInfo | undefined;
  #pending = new Map<string, Pending>();
  #nextId = 1;
  #events: RelayEventQueue;
  #pendingSends: Uint8Array[] = [];
  #pendingBytes = 0;
  #lastSeen = Date.now();
  #peerSeen = false;
  #evicted = false;
  #liveness: NodeJS.Timeout;

  private constructor(
    url: string,
    ws: WebSocket,
    welcome: RelayWelcome,
    opts: ResolvedOptions,
    stash: Raw[],
  ) {
    this.url = url;
    this.#ws = ws;
    this.welcome = welcome;
    this.#opts = opts;
    this.#events = new RelayEventQueue(opts.maxQueuedEvents);
    this.#attach(ws, stash);
    const every = Math.max(1000, welcome.limits.pingIntervalSeconds * 1000);
    this.#liveness = setInterval(() => {
      if (this.#state === "open" && Date.now() - this.#lastSeen > every * 2.5) this.#ws.terminate();
    }, every);
    this.#liveness.unref();
  }

  /** Opens a socket, sends `hello`, and waits for `welcome`. */
  static async connect(url: string, options: RelayClientOptions = {}): Promise<RelayClient> {
    const opts = {
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      autoResume: options.autoResume ?? true,
      maxQueuedEvents: options.maxQueuedEvents ?? DEFAULTS.maxQueuedEvents,
      maxPendingBytes: options.maxPendingBytes ?? DEFAULTS.maxPendingBytes,
      version: options.version ?? RELAY_PROTOCOL_VERSION,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    };
    const { ws, welcome, release } = await RelayClient.#handshake(url, opts);
    return new RelayClient(url, ws, welcome, opts, release());
  }

  static async #handshake(
    url: string,
    opts: { timeoutMs: number; version: number; token?: string; ca?: string | Uint8Array },
  ): Promise<{ ws: WebSocket; welcome: RelayWelcome; release: () => Raw[] }> {
    const ws = await openSocket(url, opts.timeoutMs, 1 << 20, opts.ca);
    try {
      const hello: ClientMessage = {
        type: "hello",
        version: opts.version,
        ...(opts.token === undefined ? {} : { token: opts.token }),
      };
      const { msg: reply, release } = await oneReply(ws, encodeMessage(hello), opts.timeoutMs, "hello");
      if (reply.type !== "welcome")
        throw new SigrunError("PROTOCOL_ERROR", `hello: expected welcome, got ${reply.type}`);
      if (reply.version !== opts.version)
        throw new SigrunError(
          "UNSUPPORTED_VERSION",
          `welcome.version: expected ${opts.version}, got ${reply.version}`,
        );
      const motd = reply.motd === null ? null : sanitizeRelayText(reply.motd, { allowNewlines: true });
      return { ws, welcome: { version: reply.version, limits: reply.limits, motd }, release };
    } catch (err) {
      ws.terminate();
      throw err;
    }
  }

  /** `open`, `reconnecting` (socket dropped, resuming) or `closed`. */
  get state(): "open" | "reconnecting" | "closed" {
    return this.#state;
  }

  /** The session, once created or joined. */
  get session(): RelaySessionInfo | undefined {
    return this.#session;
  }

  /** Bytes written to the socket but not yet sent (for flow control). */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Creates a session as role `a`. `ttlSeconds` shortens the join wait; `context` goes to the joiner. */
  async create(opts: { ttlSeconds?: number; context?: Uint8Array } = {}): Promise<RelaySessionInfo> {
    this.#noSessionYet("create");
    const m = await this.#request({
      type: "create",
      ...(opts.ttlSeconds === undefined ? {} : { ttl: opts.ttlSeconds }),
      ...(opts.context === undefined ? {} : { context: toBase64Url(opts.context) }),
    });
    if (m.type !== "created")
      throw new SigrunError("PROTOCOL_ERROR", `create: expected created, got ${m.type}`);
    this.#session = {
      session: m.session,
      role: "a",
      expiresAt: m.expiresAt,
      resumeToken: m.resumeToken,
      peerContext: null,
    };
    return { ...this.#session };
  }

  /** Joins a session as role `b`; `context` goes to the creator. Returns the creator's context. */
  async join(session: string, context?: Uint8Array): Promise<RelaySessionInfo> {
    this.#noSessionYet("join");
    const m = await this.#request({
      type: "join",
      session,
      ...(context === undefined ? {} : { context: toBase64Url(context) }),
    });
    if (m.type !== "joined") throw new SigrunError("PROTOCOL_ERROR", `join: expected joined, got ${m.type}`);
    this.#session = {
      session: m.session,
      role: "b",
      expiresAt: m.expiresAt,
      resumeToken: m.resumeToken,
      peerContext: m.context === null ? null : fromBase64Url(m.context, "joined.context"),
    };
    return { ...this.#session };
  }

  /**
   * Sends one binary frame to the peer (at most `welcome.limits.maxFrameBytes`). While reconnecting, the
   * frame is queued (bounded by `maxPendingBytes`, else LIMIT_EXCEEDED).
   */
  send(data: Uint8Array): void {
    if (this.#state === "closed") throw new SigrunError("RELAY_UNAVAILABLE", "send: connection is closed");
    if (data.byteLength > this.welcome.limits.maxFrameBytes) {
      throw new SigrunError(
        "FRAME_TOO_LARGE",
        `send: expected at most ${this.welcome.limits.maxFrameBytes} bytes, got ${data.byteLength}`,
      );
    }
    if (this.#state === "reconnecting") {
      if (this.#pendingBytes + data.byteLength > this.#opts.maxPendingBytes)
        throw new SigrunError("LIMIT_EXCEEDED", "send: too many bytes queued while reconnecting");
      this.#pendingSends.push(data.slice());
      this.#pendingBytes += data.byteLength;
      return;
    }
    this.#ws.send(data, { binary: true });
  }

  /** Waits for the next event; TIMEOUT after `timeoutMs` (default: wait as long as the connection lives). */
  next(opts: { timeoutMs?: number } = {}): Promise<RelayEvent> {
    const queued = this.#events.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#state === "closed")
      return Promise.reject(new SigrunError("RELAY_UNAVAILABLE", "next: connection is closed"));
    return this.#events.wait(opts.timeoutMs);
  }

  /**
   * Waits until the peer is in the session and returns its context (role `b`: at once). Fails with
   * TIMEOUT, or with SESSION_EXPIRED / RELAY_UNAVAILABLE if the session ends first. Events other than
   * `peer_joined` that arrive meanwhile are kept for `next()`.
   */
  async waitForPeer(opts: { timeoutMs: number }): Promise<Uint8Array | null> {
    const s = this.#session;
    if (!s) throw new SigrunError("USAGE", "waitForPeer: create or join a session first");
    if (s.role === "b") return s.peerContext;
    const joined = this.#events.takePeerJoined();
    if (joined) return joined.context;
    if (this.#peerSeen) return s.peerContext;
    const deadline = Date.now() + opts.timeoutMs;
    const held: RelayEvent[] = [];
    try {
      for (;;) {
        const ev = await this.next({ timeoutMs: Math.max(0, deadline - Date.now()) });
        if (ev.type === "peer_joined") return ev.context;
        if (ev.type === "closed") {
          held.push(ev);
          throw new SigrunError(
            ev.by === "relay" ? "SESSION_EXPIRED" : "RELAY_UNAVAILABLE",
            `waitForPeer: session closed (${ev.reason})`,
          );
        }
        held.push(ev);
      }
    } finally {
      this.#events.unshift(held);
    }
  }

  /** Registers a listener for every event; returns a function that removes it. */
  on(listener: Listener): () => void {
    return this.#events.on(listener);
  }

  /** Iterates events until (and including) `closed`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RelayEvent> {
    for (;;) {
      let ev: RelayEvent;
      try {
        ev = await this.next();
      } catch {
        return;
      }
      yield ev;
      if (ev.type === "closed") return;
    }
  }

  /** Ends the session for both peers (or just the connection, before a session) and closes the socket. */
  async close(reason = "done"): Promise<void> {
    if (this.#state === "closed") return;
    if (this.#session && this.#state === "open") {
      try {
        await this.#request({ type: "close", reason });
      } catch {
        // the relay may already have closed the session; the socket goes below either way
      }
    }
    this.#finish({ type: "closed", reason, by: "self" });
  }

  #noSessionYet(op: string): void {
    if (this.#state !== "open")
      throw new SigrunError("RELAY_UNAVAILABLE", `${op}: connection is ${this.#state}`);
    if (this.#session) throw new SigrunError("USAGE", `${op}: this connection already has a session`);
  }

  #request(msg: ClientMessage): Promise<ServerMessage> {
    const id = `r${this.#nextId++}`;
    const timeoutMs = this.#opts.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new SigrunError("TIMEOUT", `${msg.type}: no reply from the relay within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#ws.send(encodeMessage({ ...msg, id }));
    });
  }

  #attach(ws: WebSocket, stash: Raw[]): void {
    ws.on("ping", () => {
      this.#lastSeen = Date.now();
    });
    const onData = (data: WebSocket.RawData, isBinary: boolean) => {
      if (ws !== this.#ws) return;
      this.#lastSeen = Date.now();
      if (isBinary) {
        const b = data as Buffer;
        this.#emit({ type: "data", data: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
        return;
      }
      let m: ServerMessage;
      try {
        m = parseServerMessage((data as Buffer).toString("utf8"));
      } catch (err) {
        this.#emit({ type: "error", error: err as SigrunError, retryable: false });
        ws.terminate();
        return;
      }
      this.#onMessage(m);
    };
    for (const [data, isBinary] of stash) onData(data, isBinary);
    ws.on("message", onData);
    ws.on("error", () => {
      // 'close' follows; the reason is handled there
    });
    ws.on("close", () => {
      if (ws === this.#ws) void this.#onDrop();
    });
  }

  #onMessage(m: ServerMessage): void {
    const id = "id" in m ? m.id : undefined;
    const p = id === undefined ? undefined : this.#pending.get(id);
    if (p) {
      this.#pending.delete(id as string);
      clearTimeout(p.timer);
      if (m.type === "error") p.reject(errorFromWire(m.code, m.message));
      else p.resolve(m);
      if (m.type !== "closed") return;
    }
    switch (m.type) {
      case "peer_joined": {
        const context = m.context === null ? null : fromBase64Url(m.context, "peer_joined.context");
        this.#peerSeen = true;
        if (this.#session) {
          this.#session.peerContext = context;
          this.#session.expiresAt = m.expiresAt;
        }
        this.#emit({ type: "peer_joined", context, expiresAt: m.expiresAt });
        return;
      }
      case "peer_left":
        this.#emit({ type: "peer_left", graceSeconds: m.graceSeconds });
        return;
      case "peer_back":
        this.#emit({ type: "peer_back" });
        return;
      case "closed":
        this.#finish({ type: "closed", reason: sanitizeRelayText(m.reason), by: m.by });
        return;
      case "error":
        // RELAY_REJECTED as a push: another socket resumed our role; do not fight over it
        if (m.code === "RELAY_REJECTED") this.#evicted = true;
        this.#emit({ type: "error", error: errorFromWire(m.code, m.message), retryable: m.retryable });
        return;
      default:
        return;
    }
  }

  async #onDrop(): Promise<void> {
    if (this.#state !== "open") return;
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new SigrunError("RELAY_UNAVAILABLE", "relay connection dropped"));
    }
    this.#pending.clear();
    const s = this.#session;
    if (this.#evicted) {
      this.#finish({ type: "closed", reason: "role taken over by another connection", by: "relay" });
      return;
    }
    if (!s || !this.#opts.autoResume) {
      this.#finish({ type: "closed", reason: "connection lost", by: "relay" });
      return;
    }
    this.#state = "reconnecting";
    const deadline = Date.now() + this.welcome.limits.graceSeconds * 1000;
    let delay = 100;
    while (Date.now() < deadline && this.#state === "reconnecting") {
      try {
        const hs = await RelayClient.#handshake(this.url, this.#opts);
        const ws = hs.ws;
        hs.release();
        const { msg: reply, release } = await oneReply(
          ws,
          encodeMessage({ type: "resume", session: s.session, role: s.role, resumeToken: s.resumeToken }),
          this.#opts.timeoutMs,
          "resume",
        );
        if (reply.type === "error") {
          ws.terminate();
          const e = errorFromWire(reply.code, reply.message);
          if (!reply.retryable) {
            this.#finish({ type: "closed", reason: `resume failed: ${e.code}`, by: "relay" });
            return;
          }
        } else if (reply.type === "resumed") {
          if ((this.#state as string) === "closed") {
            ws.terminate();
            return;
          }
          s.expiresAt = reply.expiresAt;
          this.#ws = ws;
          this.#state = "open";
          this.#lastSeen = Date.now();
          const sends = this.#pendingSends;
          this.#pendingSends = [];
          this.#pendingBytes = 0;
          for (const d of sends) ws.send(d, { binary: true });
          this.#emit({ type: "resumed" });
          this.#attach(ws, release());
          return;
        } else {
          ws.terminate();
        }
      } catch {
        // relay not reachable yet: retry with backoff until the grace window ends
      }
      await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
      delay = Math.min(delay * 2, 2000);
    }
    this.#finish({ type: "closed", reason: "connection lost", by: "relay" });
  }

  #emit(ev: RelayEvent): void {
    if (!this.#events.push(ev))
      this.#finish({ type: "closed", reason: "event queue overflow: events not consumed", by: "self" });
  }

  #finish(ev: Extract<RelayEvent, { type: "closed" }>): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearInterval(this.#liveness);
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new SigrunError("RELAY_UNAVAILABLE", `relay session closed: ${ev.reason}`));
    }
    this.#pending.clear();
    this.#emit(ev);
    this.#events.release();
    try {
      this.#ws.close(1000);
    } catch {
      this.#ws.terminate();
    }
    const ws = this.#ws;
    setTimeout(() => ws.terminate(), 1000).unref();
  }
}

/** Connects to a relay (`ws://` or `wss://` URL of the v1 endpoint) and completes `hello`/`welcome`. */
export function connectRelay(url: string, options: RelayClientOptions = {}): Promise<RelayClient> {
  return RelayClient.connect(url, options);
}
