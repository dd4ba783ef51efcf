import { fromBase64, toBase64 } from "../core/index.js";
import { sanitizeRelayText } from "../protocol/index.js";
import type { SessionRecord } from "./backend.js";
import { BaseConnection, RETRYABLE } from "./base-connection.js";
import type { Delivery } from "./delivery.js";
import { hashToken, randomToken } from "./node.js";

/** APIs announced in `greeting`, sorted as the reference relay does. */
export const RCODESIGN_APIS = ["create-session", "goodbye", "hello", "join-session", "send-message"] as const;

const SESSION_ID_RE = /^[\x21-\x7e]{1,128}$/;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_CONTEXT = 8192;
const rcKey = (id: string) => `rc:${id}`;

const TEXT: Record<string, string> = {
  REQUEST_JSON_PARSE: "request is not a json object",
  NO_REQUEST_ID: "request_id missing",
  NO_API: "api missing",
  UNKNOWN_API: "unknown api",
  BAD_PAYLOAD: "payload malformed",
  SESSION_EXISTS: "session id already in use; pick a new one",
  SESSION_JOIN_FAILED: "unable to join session; the session id may be invalid, taken or expired",
  NOT_SESSION_MEMBER: "not a member of this session",
  MESSAGE_SEND_FAILURE: "message could not be delivered",
  RATE_LIMITED: "too many requests, slow down",
  LIMIT_EXCEEDED: "a relay limit was reached",
  UNHANDLED_EXCEPTION: "internal relay error",
};

type Obj = Record<string, unknown>;

/**
 * One socket speaking rcodesign's relay protocol (research/remote-signing.md §1.3–1.5) on `/rcodesign`,
 * without the reference relay's bugs: ids are never overwritten (create uses NX), expiry is checked on
 * every operation, unknown APIs get `UNKNOWN_API`, and `ttl` is always the seconds left. There is no
 * resume in this protocol: a dropped socket ends the session for the peer ("peer disconnected").
 */
export class RcodesignConnection extends BaseConnection {
  #sessionId: string | undefined;
  #expiresAt = 0;
  #chain: Promise<void> = Promise.resolve();
  #greeted = false;

  protected override graceMs(): number {
    return 0;
  }

  protected onFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.fail("REQUEST_JSON_PARSE", undefined);
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(data.toString("utf8"));
    } catch {
      this.fail("REQUEST_JSON_PARSE", undefined);
      return;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      this.fail("REQUEST_JSON_PARSE", undefined);
      return;
    }
    const o = v as Obj;
    const rid = o.request_id;
    if (typeof rid !== "string" || rid.length === 0 || rid.length > 128) {
      this.fail("NO_REQUEST_ID", undefined);
      return;
    }
    if (typeof o.api !== "string") {
      this.fail("NO_API", rid);
      return;
    }
    const payload = o.payload === undefined || o.payload === null ? {} : o.payload;
    if (typeof payload !== "object" || Array.isArray(payload)) {
      this.fail("BAD_PAYLOAD", rid);
      return;
    }
    const api = o.api;
    this.#chain = this.#chain
      .then(() => this.#handle(api, rid, payload as Obj))
      .catch((err) => {
        this.node.log("handler_error", { error: String((err as Error)?.message ?? err) });
        this.fail("UNHANDLED_EXCEPTION", rid);
      });
  }

  #ttl(): number {
    return Math.max(0, Math.ceil((this.#expiresAt - this.node.now()) / 1000));
  }

  #reply(rid: string | undefined, type: string, payload?: unknown, ttl?: number): void {
    this.sendText({
      ...(rid === undefined ? {} : { request_id: rid }),
      type,
      ...(ttl === undefined ? {} : { ttl }),
      ...(payload === undefined ? {} : { payload }),
    });
  }

  protected sendError(code: string, rid: string | undefined): void {
    const c = code === "INTERNAL" || code === "RELAY_UNAVAILABLE" ? "UNHANDLED_EXCEPTION" : code;
    this.#reply(rid, "error", {
      code: c,
      message: TEXT[c] ?? (RETRYABLE.has(c) ? "try again later" : "error"),
    });
  }

  async #handle(api: string, rid: string, p: Obj): Promise<void> {
    if (this.ended) return;
    if (!this.#greeted) {
      this.#greeted = true;
      if (this.key === undefined) this.armTimer(this.node.limits.unboundTimeoutMs, "no session");
    }
    switch (api) {
      case "hello":
        return this.#reply(rid, "greeting", { apis: [...RCODESIGN_APIS], motd: this.node.opts.motd });
      case "create-session":
        return this.#create(rid, p);
      case "join-session":
        return this.#join(rid, p);
      case "send-message":
        return this.#send(rid, p);
      case "goodbye":
        return this.#goodbye(rid, p);
      default:
        return this.fail("UNKNOWN_API", rid);
    }
  }

  #sessionArg(p: Obj): string | undefined {
    const id = p.session_id;
    return typeof id === "string" && SESSION_ID_RE.test(id) ? id : undefined;
  }

  #contextArg(p: Obj): string | null | undefined {
    const c = p.context;
    if (c === undefined || c === null) return null;
    return typeof c === "string" && c.length <= MAX_CONTEXT && B64_RE.test(c) ? c : undefined;
  }

  async #create(rid: string, p: Obj): Promise<void> {
    const id = this.#sessionArg(p);
    const context = this.#contextArg(p);
    const ttl = p.ttl;
    if (id === undefined || context === undefined || typeof ttl !== "number" || !(ttl >= 1))
      return this.fail("BAD_PAYLOAD", rid);
    if (this.key !== undefined) return this.fail("BAD_PAYLOAD", rid);
    if (!this.takeSessionOp()) return this.fail("RATE_LIMITED", rid);
    if (this.mayCreate() !== "ok") return this.fail("LIMIT_EXCEEDED", rid);
    const L = this.node.limits;
    const now = this.node.now();
    const grantedMs = Math.min(Math.floor(ttl) * 1000, L.joinTtlMs, L.sessionTtlMs);
    const key = rcKey(id);
    const rec: SessionRecord = {
      joined: false,
      expiresAt: now + grantedMs,
      maxExpiresAt: now + L.sessionTtlMs,
      tokenA: hashToken(randomToken(32)),
      tokenB: "",
      contextA: context ?? "",
      contextB: "",
      connA: this.id,
      connB: "",
      graceA: 0,
      graceB: 0,
    };
    await this.subscribe(key, "a");
    if (!(await this.node.backend.create(key, rec, now))) {
      this.unbind();
      return this.fail("SESSION_EXISTS", rid);
    }
    if (this.ended) {
      this.unbind();
      await this.node.backend.leave(key, "a", this.id, now, 0);
      return;
    }
    this.bind(key, "a", true);
    this.#sessionId = id;
    this.#expiresAt = rec.expiresAt;
    this.node.scheduleSweep(key, rec.expiresAt);
    this.node.metrics.inc("sigrun_relay_sessions_created_total");
    this.#reply(rid, "session-created", undefined, this.#ttl());
  }

  async #join(rid: string, p: Obj): Promise<void> {
    const id = this.#sessionArg(p);
    const context = this.#contextArg(p);
    if (id === undefined || context === undefined) return this.fail("BAD_PAYLOAD", rid);
    if (this.key !== undefined) return this.fail("SESSION_JOIN_FAILED", rid);
    if (!this.takeSessionOp()) return this.fail("RATE_LIMITED", rid);
    const key = rcKey(id);
    const now = this.node.now();
    await this.subscribe(key, "b");
    const token = hashToken(randomToken(32));
    const r = await this.node.backend.join(key, { token, context: context ?? "", conn: this.id }, now);
    if (!r.ok) {
      this.unbind();
      return this.fail("SESSION_JOIN_FAILED", rid);
    }
    if (this.ended) {
      await this.node.backend.leave(key, "b", this.id, now, 0);
      this.unbind();
      return;
    }
    this.bind(key, "b", false);
    this.#sessionId = id;
    this.#expiresAt = r.value.expiresAt;
    this.node.scheduleSweep(key, r.value.expiresAt);
    this.node.metrics.inc("sigrun_relay_sessions_joined_total");
    this.#reply(rid, "session-joined", { context: r.value.contextA || null }, this.#ttl());
  }

  #member(p: Obj): boolean {
    return this.key !== undefined && this.#sessionId !== undefined && p.session_id === this.#sessionId;
  }

  async #send(rid: string, p: Obj): Promise<void> {
    if (!this.#member(p)) return this.fail("NOT_SESSION_MEMBER", rid);
    const m = p.message;
    if (typeof m !== "string") return this.fail("BAD_PAYLOAD", rid);
    let data: Uint8Array;
    try {
      data = fromBase64(m, "message");
    } catch {
      return this.fail("BAD_PAYLOAD", rid);
    }
    const L = this.node.limits;
    const r = await this.node.backend.send(
      this.key as string,
      this.role ?? "a",
      this.id,
      data,
      this.node.now(),
      {
        maxFrames: L.maxBufferedFrames,
        maxBytes: L.maxBufferedBytes,
      },
    );
    if (!r.ok) return this.fail("MESSAGE_SEND_FAILURE", rid);
    this.node.metrics.inc("sigrun_relay_frames_forwarded_total");
    this.node.metrics.inc("sigrun_relay_bytes_forwarded_total", undefined, data.byteLength);
    this.#reply(rid, "message-sent", undefined, this.#ttl());
  }

  async #goodbye(rid: string, p: Obj): Promise<void> {
    if (!this.#member(p)) return this.fail("NOT_SESSION_MEMBER", rid);
    const reason = typeof p.reason === "string" ? sanitizeRelayText(p.reason) : null;
    await this.node.backend.close(
      this.key as string,
      this.role ?? "a",
      this.id,
      reason ?? "goodbye",
      this.node.now(),
    );
    this.#unbindRc();
    this.#reply(rid, "session-closed", { reason });
  }

  #unbindRc(): void {
    this.unbind();
    this.#sessionId = undefined;
    this.armTimer(this.node.limits.unboundTimeoutMs, "no session");
  }

  protected deliver(d: Delivery): void {
    switch (d.kind) {
      case "data":
        if (this.ws.readyState === 1 && this.ws.bufferedAmount > this.node.limits.maxSocketBufferBytes) {
          this.ws.terminate();
          return;
        }
        this.#reply(undefined, "peer-message", { message: toBase64(d.data) }, this.#ttl());
        return;
      case "peer_joined":
        this.#expiresAt = d.expiresAt;
        if (this.key !== undefined) this.node.scheduleSweep(this.key, d.expiresAt);
        this.#reply(undefined, "session-joined", { context: d.context }, this.#ttl());
        return;
      case "closed":
        this.#unbindRc();
        this.#reply(undefined, "session-closed", { reason: d.reason });
        return;
      default:
        return;
    }
  }
}
