import type { RelayRole } from "../protocol/index.js";
import type {
  BackendFailure,
  BufferCaps,
  DeliveryHandler,
  RelayBackend,
  Result,
  SessionRecord,
} from "./backend.js";
import type { Delivery } from "./delivery.js";

interface Entry {
  rec: SessionRecord;
  buf: { a: Delivery[]; b: Delivery[] };
  bufBytes: { a: number; b: number };
}

const other = (r: RelayRole): RelayRole => (r === "a" ? "b" : "a");
const conn = (rec: SessionRecord, r: RelayRole) => (r === "a" ? rec.connA : rec.connB);
const deliverySize = (d: Delivery) => (d.kind === "data" ? d.data.byteLength : 64);

/**
 * Single-node backend: records in a Map, deliveries by direct calls. Operations run synchronously, so
 * each is atomic. Records past their deadline are removed by `sweep` (timers in the node) and on access.
 */
export class MemoryBackend implements RelayBackend {
  readonly kind = "memory";
  #sessions = new Map<string, Entry>();
  #subs = new Map<string, Set<DeliveryHandler>>();

  /** Live sessions (for tests and metrics). */
  get size(): number {
    return this.#sessions.size;
  }

  async create(key: string, rec: SessionRecord): Promise<boolean> {
    if (this.#sessions.has(key)) return false;
    this.#sessions.set(key, { rec: { ...rec }, buf: { a: [], b: [] }, bufBytes: { a: 0, b: 0 } });
    return true;
  }

  async join(
    key: string,
    b: { token: string; context: string; conn: string },
    now: number,
  ): Promise<Result<SessionRecord>> {
    const e = this.#live(key, now);
    if (!e.ok) return e;
    const rec = e.value.rec;
    if (rec.joined) return { ok: false, code: "SESSION_FULL" };
    rec.joined = true;
    rec.tokenB = b.token;
    rec.contextB = b.context;
    rec.connB = b.conn;
    rec.expiresAt = rec.maxExpiresAt;
    this.#deliver(key, e.value, "a", {
      kind: "peer_joined",
      context: b.context || null,
      expiresAt: rec.expiresAt,
    });
    return { ok: true, value: { ...rec } };
  }

  async resume(
    key: string,
    role: RelayRole,
    token: string,
    c: string,
    now: number,
  ): Promise<Result<{ rec: SessionRecord; buffered: Delivery[] }>> {
    const e = this.#live(key, now);
    if (!e.ok) return e;
    const entry = e.value;
    const rec = entry.rec;
    const expected = role === "a" ? rec.tokenA : rec.tokenB;
    if (expected === "" || expected !== token) return { ok: false, code: "UNAUTHORIZED" };
    const old = conn(rec, role);
    if (old !== "") this.#publish(key, role, old, { kind: "evicted" });
    if (role === "a") {
      rec.connA = c;
      rec.graceA = 0;
    } else {
      rec.connB = c;
      rec.graceB = 0;
    }
    const buffered = entry.buf[role];
    entry.buf[role] = [];
    entry.bufBytes[role] = 0;
    if (old === "" && rec.joined) this.#deliver(key, entry, other(role), { kind: "peer_back" });
    return { ok: true, value: { rec: { ...rec }, buffered } };
  }

  async leave(key: string, role: RelayRole, c: string, now: number, graceMs: number): Promise<void> {
    const entry = this.#sessions.get(key);
    if (!entry || conn(entry.rec, role) !== c) return;
    if (graceMs <= 0) {
      this.#close(key, entry, role, "peer disconnected");
      return;
    }
    if (role === "a") {
      entry.rec.connA = "";
      entry.rec.graceA = now + graceMs;
    } else {
      entry.rec.connB = "";
      entry.rec.graceB = now + graceMs;
    }
    if (entry.rec.joined) this.#deliver(key, entry, other(role), { kind: "peer_left", graceMs });
  }

  async send(
    key: string,
    role: RelayRole,
    c: string,
    data: Uint8Array,
    now: number,
    caps: BufferCaps,
  ): Promise<Result<void>> {
    const e = this.#live(key, now);
    if (!e.ok) return e;
    const entry = e.value;
    if (conn(entry.rec, role) !== c) return { ok: false, code: "UNAUTHORIZED" };
    if (!entry.rec.joined) return { ok: false, code: "PROTOCOL_ERROR" };
    if (!this.#deliver(key, entry, other(role), { kind: "data", data }, caps)) {
      this.#close(key, entry, null, "buffer limit reached while a peer was away");
      return { ok: false, code: "LIMIT_EXCEEDED" };
    }
    return { ok: true, value: undefined };
  }

  async close(
    key: string,
    role: RelayRole | null,
    c: string,
    reason: string,
    now: number,
  ): Promise<Result<void>> {
    const e = this.#live(key, now);
    if (!e.ok) return e;
    if (role !== null && conn(e.value.rec, role) !== c) return { ok: false, code: "UNAUTHORIZED" };
    this.#close(key, e.value, role, reason);
    return { ok: true, value: undefined };
  }

  async sweep(key: string, now: number): Promise<void> {
    this.#live(key, now);
  }

  async subscribe(key: string, role: RelayRole, handler: DeliveryHandler): Promise<() => void> {
    const ch = `${key}:${role}`;
    let set = this.#subs.get(ch);
    if (!set) this.#subs.set(ch, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.#subs.get(ch) === set) this.#subs.delete(ch);
    };
  }

  async healthy(): Promise<boolean> {
    return true;
  }

  async shutdown(): Promise<void> {
    this.#sessions.clear();
    this.#subs.clear();
  }

  /** Finds a session and closes it if a deadline passed. */
  #live(key: string, now: number): Result<Entry> {
    const entry = this.#sessions.get(key);
    if (!entry) return { ok: false, code: "SESSION_NOT_FOUND" };
    const why = expiredReason(entry.rec, now);
    if (why) {
      this.#close(key, entry, null, why);
      return { ok: false, code: "SESSION_EXPIRED" };
    }
    return { ok: true, value: entry };
  }

  #deliver(key: string, entry: Entry, to: RelayRole, d: Delivery, caps?: BufferCaps): boolean {
    const c = conn(entry.rec, to);
    if (c !== "") {
      this.#publish(key, to, c, d);
      return true;
    }
    const size = deliverySize(d);
    if (caps && (entry.buf[to].length >= caps.maxFrames || entry.bufBytes[to] + size > caps.maxBytes))
      return false;
    // data is copied: the caller's buffer may be reused once send returns
    entry.buf[to].push(d.kind === "data" ? { kind: "data", data: d.data.slice() } : d);
    entry.bufBytes[to] += size;
    return true;
  }

  #publish(key: string, to: RelayRole, c: string, d: Delivery): void {
    const set = this.#subs.get(`${key}:${to}`);
    if (!set) return;
    for (const h of [...set]) h(c, d);
  }

  #close(key: string, entry: Entry, by: RelayRole | null, reason: string): void {
    this.#sessions.delete(key);
    for (const r of ["a", "b"] as const) {
      const c = conn(entry.rec, r);
      if (c === "" || r === by) continue;
      this.#publish(key, r, c, { kind: "closed", reason, by: by === null ? "relay" : "peer" });
    }
  }
}

/** Why a session must end now, or undefined. Shared by both backends (the Lua scripts mirror it). */
export function expiredReason(rec: SessionRecord, now: number): string | undefined {
  if (now >= rec.expiresAt) return rec.joined ? "session expired" : "nobody joined in time";
  if (rec.graceA > 0 && now >= rec.graceA) return "peer did not come back";
  if (rec.graceB > 0 && now >= rec.graceB) return "peer did not come back";
  return undefined;
}

export type { BackendFailure };
