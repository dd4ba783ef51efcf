import type WebSocket from "ws";
import type { RelayRole } from "../protocol/index.js";
import type { BackendFailure } from "./backend.js";
import type { Delivery } from "./delivery.js";
import { type RelayNode, randomToken } from "./node.js";
import { TokenBucket } from "./rate-limit.js";

/** Generic texts sent with error codes: never echo client input or internal details. */
export const PUBLIC_TEXT: Record<string, string> = {
  PROTOCOL_ERROR: "malformed or unexpected message",
  UNSUPPORTED_VERSION: "protocol version not supported",
  UNAUTHORIZED: "not authorized",
  SESSION_NOT_FOUND: "no such session",
  SESSION_FULL: "session already has two peers",
  SESSION_EXPIRED: "session expired",
  RATE_LIMITED: "too many requests, slow down",
  LIMIT_EXCEEDED: "a relay limit was reached",
  RELAY_REJECTED: "request refused",
  RELAY_UNAVAILABLE: "relay backend unavailable",
  INTERNAL: "internal relay error",
};

export const RETRYABLE = new Set(["RATE_LIMITED", "LIMIT_EXCEEDED", "RELAY_UNAVAILABLE", "INTERNAL"]);

/**
 * What both front-ends (sigrun v1 and rcodesign compatibility) share: per-IP accounting, frame rate,
 * the error budget, the session binding (subscribe → backend op → deliveries filtered to this socket),
 * and cleanup when the socket goes away. Subclasses parse frames and render deliveries.
 */
export abstract class BaseConnection {
  readonly id = randomToken(12);
  protected key: string | undefined;
  protected role: RelayRole | undefined;
  protected ended = false;
  #unsub: (() => void) | undefined;
  #held: Delivery[] | null = null;
  #countsSession = false;
  #frames: TokenBucket;
  #errors = 0;
  #timer: NodeJS.Timeout | undefined;
  #openedAt: number;

  constructor(
    protected readonly node: RelayNode,
    protected readonly ws: WebSocket,
    protected readonly ip: string,
  ) {
    const now = node.now();
    this.#openedAt = now;
    const fr = node.limits.frameRatePerConnection;
    this.#frames = new TokenBucket(fr.perSecond, fr.burst, now);
    node.ips.get(ip, now).connections++;
    node.metrics.inc("sigrun_relay_connections_total");
    this.armTimer(node.limits.helloTimeoutMs, "hello timeout");
    ws.on("error", () => {
      // oversize frames (1009) and socket errors end up in 'close'; never crash the process
    });
    ws.on("close", () => this.#onClose());
    ws.on("message", (data, isBinary) => {
      if (this.ended) return;
      if (!this.#frames.take(this.node.now())) {
        this.fail("RATE_LIMITED", undefined);
        return;
      }
      try {
        this.onFrame(data as Buffer, isBinary);
      } catch (err) {
        this.node.log("handler_error", { error: String((err as Error)?.message ?? err) });
        this.fail("INTERNAL", undefined);
      }
    });
  }

  /** Handles one frame (text or binary). */
  protected abstract onFrame(data: Buffer, isBinary: boolean): void;
  /** Renders one delivery for this socket. */
  protected abstract deliver(d: Delivery): void;
  /** Sends an error reply in the front-end's format. */
  protected abstract sendError(code: string, requestId: string | undefined): void;

  /** Replies with an error; closes the socket once the error budget is spent. */
  protected fail(code: BackendFailure | string, requestId: string | undefined): void {
    this.node.metrics.inc("sigrun_relay_errors_total", { code });
    this.sendError(code, requestId);
    if (++this.#errors >= this.node.limits.maxProtocolErrors) this.closeSocket(1008, "too many errors");
  }

  /** (Re)arms the single idle timer of this socket (hello timeout, unbound timeout). */
  protected armTimer(ms: number | undefined, reason = "idle"): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (ms === undefined) return;
    this.#timer = setTimeout(() => this.closeSocket(1008, reason), ms);
    this.#timer.unref();
  }

  protected sendText(obj: unknown): void {
    if (this.ws.readyState === 1) this.ws.send(JSON.stringify(obj));
  }

  /** Sends binary data unless the socket stopped reading: then drops it as a slow peer. */
  protected sendBinary(data: Uint8Array): void {
    if (this.ws.readyState !== 1) return;
    if (this.ws.bufferedAmount > this.node.limits.maxSocketBufferBytes) {
      this.node.log("slow_peer_dropped", this.node.logIp(this.ip));
      this.node.metrics.inc("sigrun_relay_connections_rejected_total", { reason: "slow_peer" });
      this.ws.terminate();
      return;
    }
    this.ws.send(data, { binary: true });
  }

  protected closeSocket(code: number, reason: string): void {
    if (this.ws.readyState === 0 || this.ws.readyState === 1) {
      this.ws.close(code, reason);
      const t = setTimeout(() => this.ws.terminate(), 2000);
      t.unref();
    }
  }

  /** Takes one create/join/resume attempt from this IP's bucket. */
  protected takeSessionOp(): boolean {
    return this.node.ips.get(this.ip, this.node.now()).sessionOps.take(this.node.now());
  }

  /** Whether this IP and this node may hold one more session. */
  protected mayCreate(): "ok" | "LIMIT_EXCEEDED" {
    const ipState = this.node.ips.get(this.ip, this.node.now());
    if (ipState.sessions >= this.node.limits.maxSessionsPerIp) return "LIMIT_EXCEEDED";
    if (this.node.local.size >= this.node.limits.maxSessions) return "LIMIT_EXCEEDED";
    return "ok";
  }

  /** Subscribes this socket to its role's deliveries; `hold` queues them until `release()`. */
  protected async subscribe(key: string, role: RelayRole, hold = false): Promise<void> {
    if (hold) this.#held = [];
    this.#unsub = await this.node.backend.subscribe(key, role, (c, d) => {
      if (c !== this.id || this.ended) return;
      if (this.#held) this.#held.push(d);
      else this.deliver(d);
    });
  }

  /** Delivers held deliveries (after a resume's buffered ones) and stops holding. */
  protected release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const d of held) this.deliver(d);
  }

  /** Marks this socket as holding `role` of `key`. */
  protected bind(key: string, role: RelayRole, countsSession: boolean): void {
    this.key = key;
    this.role = role;
    this.node.bindLocal(key);
    this.armTimer(undefined);
    if (countsSession) {
      this.#countsSession = true;
      this.node.ips.get(this.ip, this.node.now()).sessions++;
    }
  }

  /** Forgets the session (after close, eviction, or a failed bind attempt). */
  protected unbind(): void {
    this.#held = null;
    this.#unsub?.();
    this.#unsub = undefined;
    if (this.key !== undefined) this.node.unbindLocal(this.key);
    if (this.#countsSession) {
      this.#countsSession = false;
      const s = this.node.ips.get(this.ip, this.node.now());
      s.sessions = Math.max(0, s.sessions - 1);
    }
    this.key = undefined;
    this.role = undefined;
  }

  #onClose(): void {
    if (this.ended) return;
    this.ended = true;
    this.armTimer(undefined);
    const now = this.node.now();
    const s = this.node.ips.get(this.ip, now);
    s.connections = Math.max(0, s.connections - 1);
    this.node.metrics.observe("sigrun_relay_connection_seconds", (now - this.#openedAt) / 1000);
    const key = this.key;
    const role = this.role;
    if (key !== undefined && role !== undefined) {
      const grace = this.graceMs();
      this.node.track(this.node.backend.leave(key, role, this.id, now, grace));
      this.unbind();
      if (grace > 0) this.node.scheduleSweep(key, now + grace);
    } else {
      this.unbind();
    }
  }

  /** Grace period for this front-end (the rcodesign protocol has no resume: 0). */
  protected graceMs(): number {
    return this.node.limits.graceMs;
  }
}
