import { isSigrunError } from "../core/index.js";
import {
  type ClientMessage,
  parseClientMessage,
  RELAY_PROTOCOL_VERSION,
  type RelayRole,
  type ServerMessage,
  sanitizeRelayText,
} from "../protocol/index.js";
import type { SessionRecord } from "./backend.js";
import { BaseConnection, PUBLIC_TEXT, RETRYABLE } from "./base-connection.js";
import type { Delivery } from "./delivery.js";
import { hashToken, randomToken, sameSecret } from "./node.js";
import { limitsInfo } from "./options.js";

const v1Key = (session: string) => `v1:${session}`;

/** One socket speaking sigrun relay protocol v1 (docs/spec/relay-protocol.md). */
export class V1Connection extends BaseConnection {
  #state: "new" | "ready" = "new";
  #busy = 0;
  #chain: Promise<void> = Promise.resolve();

  protected onFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary && this.#state === "new") {
      this.fail("PROTOCOL_ERROR", undefined);
      this.closeSocket(1008, "hello expected");
      return;
    }
    if (isBinary) {
      if (this.#busy > 0) this.#enqueue(() => this.#send(data));
      else
        this.#send(data).catch((err) => {
          this.node.log("send_failed", { error: String((err as Error)?.message ?? err) });
          this.fail("RELAY_UNAVAILABLE", undefined);
        });
      return;
    }
    let msg: ClientMessage;
    try {
      msg = parseClientMessage(data.toString("utf8"));
    } catch (err) {
      if (!isSigrunError(err)) throw err;
      this.fail("PROTOCOL_ERROR", undefined);
      if (this.#state === "new") this.closeSocket(1008, "hello expected");
      return;
    }
    this.#enqueue(() => this.#handle(msg));
  }

  #enqueue(fn: () => Promise<void>): void {
    this.#busy++;
    this.#chain = this.#chain
      .then(fn)
      .catch((err) => {
        this.node.log("handler_error", { error: String((err as Error)?.message ?? err) });
        this.fail("INTERNAL", undefined);
      })
      .finally(() => {
        this.#busy--;
      });
  }

  async #handle(msg: ClientMessage): Promise<void> {
    if (this.ended) return;
    const id = msg.id;
    if (this.#state === "new") {
      if (msg.type !== "hello") {
        this.fail("PROTOCOL_ERROR", id);
        this.closeSocket(1008, "hello expected");
        return;
      }
      if (msg.version !== RELAY_PROTOCOL_VERSION) {
        this.fail("UNSUPPORTED_VERSION", id);
        this.closeSocket(1008, "unsupported version");
        return;
      }
      const required = this.node.opts.accessToken;
      if (required !== undefined && (msg.token === undefined || !sameSecret(msg.token, required))) {
        this.node.metrics.inc("sigrun_relay_connections_rejected_total", { reason: "unauthorized" });
        this.fail("UNAUTHORIZED", id);
        this.closeSocket(1008, "unauthorized");
        return;
      }
      this.#state = "ready";
      this.armTimer(this.node.limits.unboundTimeoutMs, "no session");
      this.#reply({
        type: "welcome",
        version: RELAY_PROTOCOL_VERSION,
        limits: limitsInfo(this.node.limits),
        motd: this.node.opts.motd,
        ...(id === undefined ? {} : { id }),
      });
      return;
    }
    switch (msg.type) {
      case "hello":
        return this.fail("PROTOCOL_ERROR", id);
      case "create":
        return this.#create(msg.ttl, msg.context ?? "", id);
      case "join":
        return this.#join(msg.session, msg.context ?? "", id);
      case "resume":
        return this.#resume(msg.session, msg.role, msg.resumeToken, id);
      case "close":
        return this.#close(sanitizeRelayText(msg.reason ?? "closed by peer"), id);
    }
  }

  #reply(m: ServerMessage): void {
    this.sendText(m);
  }

  protected sendError(code: string, id: string | undefined): void {
    this.#reply({
      type: "error",
      code,
      message: PUBLIC_TEXT[code] ?? "error",
      retryable: RETRYABLE.has(code),
      ...(id === undefined ? {} : { id }),
    });
  }

  #preSession(id: string | undefined): boolean {
    if (this.key !== undefined) {
      this.fail("PROTOCOL_ERROR", id);
      return false;
    }
    if (!this.takeSessionOp()) {
      this.fail("RATE_LIMITED", id);
      return false;
    }
    return true;
  }

  async #create(ttl: number | undefined, context: string, id: string | undefined): Promise<void> {
    if (!this.#preSession(id)) return;
    const may = this.mayCreate();
    if (may !== "ok") return this.fail(may, id);
    const L = this.node.limits;
    const now = this.node.now();
    const joinMs = Math.min(L.joinTtlMs, ttl === undefined ? L.joinTtlMs : ttl * 1000, L.sessionTtlMs);
    const token = randomToken(32);
    for (let attempt = 0; attempt < 3; attempt++) {
      const session = randomToken(16);
      const key = v1Key(session);
      const rec: SessionRecord = {
        joined: false,
        expiresAt: now + joinMs,
        maxExpiresAt: now + L.sessionTtlMs,
        tokenA: hashToken(token),
        tokenB: "",
        contextA: context,
        contextB: "",
        connA: this.id,
        connB: "",
        graceA: 0,
        graceB: 0,
      };
      await this.subscribe(key, "a");
      if (await this.node.backend.create(key, rec, now)) {
        if (this.ended) {
          this.unbind();
          await this.node.backend.leave(key, "a", this.id, now, 0);
          return;
        }
        this.bind(key, "a", true);
        this.node.scheduleSweep(key, rec.expiresAt);
        this.node.metrics.inc("sigrun_relay_sessions_created_total");
        this.node.log("session_created", this.node.logIp(this.ip));
        this.#reply({
          type: "created",
          session,
          role: "a",
          expiresAt: rec.expiresAt,
          resumeToken: token,
          ...(id === undefined ? {} : { id }),
        });
        return;
      }
      this.unbind();
    }
    this.fail("INTERNAL", id);
  }

  async #join(session: string, context: string, id: string | undefined): Promise<void> {
    if (!this.#preSession(id)) return;
    const key = v1Key(session);
    const token = randomToken(32);
    const now = this.node.now();
    await this.subscribe(key, "b");
    const r = await this.node.backend.join(key, { token: hashToken(token), context, conn: this.id }, now);
    if (!r.ok) {
      this.unbind();
      return this.fail(r.code, id);
    }
    if (this.ended) {
      await this.node.backend.leave(key, "b", this.id, now, this.graceMs());
      this.unbind();
      return;
    }
    this.bind(key, "b", false);
    this.node.scheduleSweep(key, r.value.expiresAt);
    this.node.metrics.inc("sigrun_relay_sessions_joined_total");
    this.node.metrics.observe(
      "sigrun_relay_join_wait_seconds",
      Math.max(0, now - (r.value.maxExpiresAt - this.node.limits.sessionTtlMs)) / 1000,
    );
    this.#reply({
      type: "joined",
      session,
      role: "b",
      expiresAt: r.value.expiresAt,
      resumeToken: token,
      context: r.value.contextA === "" ? null : r.value.contextA,
      ...(id === undefined ? {} : { id }),
    });
  }

  async #resume(session: string, role: RelayRole, token: string, id: string | undefined): Promise<void> {
    if (!this.#preSession(id)) return;
    const key = v1Key(session);
    const now = this.node.now();
    await this.subscribe(key, role, true);
    const r = await this.node.backend.resume(key, role, hashToken(token), this.id, now);
    if (!r.ok) {
      this.unbind();
      return this.fail(r.code, id);
    }
    if (this.ended) {
      await this.node.backend.leave(key, role, this.id, now, this.graceMs());
      this.unbind();
      return;
    }
    this.bind(key, role, false);
    const rec = r.value.rec;
    this.node.scheduleSweep(key, rec.expiresAt);
    this.node.metrics.inc("sigrun_relay_sessions_resumed_total");
    const peerConn = role === "a" ? rec.connB : rec.connA;
    this.#reply({
      type: "resumed",
      session,
      role,
      expiresAt: rec.expiresAt,
      peer: !rec.joined ? "waiting" : peerConn === "" ? "away" : "present",
      ...(id === undefined ? {} : { id }),
    });
    for (const d of r.value.buffered) this.deliver(d);
    this.release();
  }

  async #close(reason: string, id: string | undefined): Promise<void> {
    const key = this.key;
    const role = this.role;
    if (key === undefined || role === undefined) return this.fail("PROTOCOL_ERROR", id);
    const r = await this.node.backend.close(key, role, this.id, reason, this.node.now());
    this.unbind();
    this.node.metrics.inc("sigrun_relay_sessions_closed_total", { reason: "closed" });
    if (!r.ok && r.code !== "SESSION_EXPIRED") return this.fail(r.code, id);
    this.#reply({
      type: "closed",
      reason: r.ok ? reason : "session expired",
      by: r.ok ? "self" : "relay",
      ...(id === undefined ? {} : { id }),
    });
    this.closeSocket(1000, "session closed");
  }

  async #send(data: Buffer): Promise<void> {
    const key = this.key;
    const role = this.role;
    if (key === undefined || role === undefined) return this.fail("PROTOCOL_ERROR", undefined);
    const L = this.node.limits;
    const r = await this.node.backend.send(key, role, this.id, data, this.node.now(), {
      maxFrames: L.maxBufferedFrames,
      maxBytes: L.maxBufferedBytes,
    });
    if (!r.ok) return this.fail(r.code, undefined);
    this.node.metrics.inc("sigrun_relay_frames_forwarded_total");
    this.node.metrics.inc("sigrun_relay_bytes_forwarded_total", undefined, data.byteLength);
    this.node.metrics.observe("sigrun_relay_frame_bytes", data.byteLength);
  }

  protected deliver(d: Delivery): void {
    switch (d.kind) {
      case "data":
        this.sendBinary(d.data);
        return;
      case "peer_joined":
        if (this.key !== undefined) this.node.scheduleSweep(this.key, d.expiresAt);
        this.#reply({ type: "peer_joined", context: d.context, expiresAt: d.expiresAt });
        return;
      case "peer_left":
        if (this.key !== undefined) this.node.scheduleSweep(this.key, this.node.now() + d.graceMs);
        this.#reply({ type: "peer_left", graceSeconds: Math.ceil(d.graceMs / 1000) });
        return;
      case "peer_back":
        this.#reply({ type: "peer_back" });
        return;
      case "closed":
        this.node.metrics.inc("sigrun_relay_sessions_closed_total", { reason: d.by });
        this.unbind();
        this.#reply({ type: "closed", reason: d.reason, by: d.by });
        this.closeSocket(1000, "session closed");
        return;
      case "evicted":
        this.unbind();
        this.sendError("RELAY_REJECTED", undefined);
        this.closeSocket(1008, "role resumed elsewhere");
        return;
    }
  }
}
