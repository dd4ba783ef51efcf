import type { Redis as RedisClient } from "ioredis";
import { SigrunError } from "../core/index.js";
import type { RelayRole } from "../protocol/index.js";
import type {
  BackendFailure,
  BufferCaps,
  DeliveryHandler,
  RelayBackend,
  Result,
  SessionRecord,
} from "./backend.js";
import { decodeDelivery, encodeDelivery } from "./delivery.js";
import { CLOSE, JOIN, LEAVE, RESUME, SEND, SWEEP } from "./redis-scripts.js";

type Script = (...args: Array<string | Buffer | number>) => Promise<unknown>;

const FAILURES = new Set<string>([
  "SESSION_NOT_FOUND",
  "SESSION_FULL",
  "SESSION_EXPIRED",
  "UNAUTHORIZED",
  "PROTOCOL_ERROR",
  "LIMIT_EXCEEDED",
]);

function failure(code: unknown): { ok: false; code: BackendFailure } {
  const c = Buffer.isBuffer(code) ? code.toString() : String(code);
  if (!FAILURES.has(c))
    throw new SigrunError("INTERNAL", `redis backend: unexpected reply ${c.slice(0, 40)}`);
  return { ok: false, code: c as BackendFailure };
}

/**
 * Backend for several relay nodes over one Redis: records are JSON strings created with `SET NX PX`
 * (never overwritten) and changed only by Lua scripts (atomic compare-and-set); deliveries go over
 * pub/sub on one channel per session and role, and are buffered in a capped list while the role is away.
 * Every key expires by itself (PX) and is deleted on close.
 */
export class RedisBackend implements RelayBackend {
  readonly kind = "redis";
  #cmd: RedisClient;
  #sub: RedisClient;
  #prefix: string;
  #handlers = new Map<string, Set<DeliveryHandler>>();

  private constructor(cmd: RedisClient, sub: RedisClient, prefix: string) {
    this.#cmd = cmd;
    this.#sub = sub;
    this.#prefix = prefix;
    sub.on("messageBuffer", (channel: Buffer, message: Buffer) =>
      this.#onMessage(channel.toString(), message),
    );
  }

  /** Connects two clients (commands, subscriptions). `prefix` namespaces every key and channel. */
  static async connect(url: string, prefix = "sigrun:relay:"): Promise<RedisBackend> {
    const { Redis } = await import("ioredis");
    const opts = { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 };
    const cmd = new Redis(url, opts);
    const sub = new Redis(url, opts);
    cmd.on("error", () => {});
    sub.on("error", () => {});
    try {
      await Promise.all([cmd.connect(), sub.connect()]);
    } catch (err) {
      cmd.disconnect();
      sub.disconnect();
      throw new SigrunError("RELAY_UNAVAILABLE", `redis ${redactUrl(url)}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const scripts = {
      relayJoin: JOIN,
      relayResume: RESUME,
      relayLeave: LEAVE,
      relaySend: SEND,
      relayClose: CLOSE,
      relaySweep: SWEEP,
    };
    for (const [name, lua] of Object.entries(scripts)) cmd.defineCommand(name, { numberOfKeys: 3, lua });
    return new RedisBackend(cmd, sub, prefix);
  }

  #keys(key: string): [string, string, string, string] {
    const p = this.#prefix;
    return [`${p}s:${key}`, `${p}b:${key}:a`, `${p}b:${key}:b`, `${p}c:${key}:`];
  }

  #script(name: string): Script {
    return (this.#cmd as unknown as Record<string, Script>)[name] as Script;
  }

  async #run(
    name: string,
    key: string,
    now: number,
    ...args: Array<string | Buffer | number>
  ): Promise<unknown> {
    const [rec, ba, bb, ch] = this.#keys(key);
    return this.#script(name).call(this.#cmd, rec, ba, bb, ch, now, ...args);
  }

  async create(key: string, rec: SessionRecord, now: number): Promise<boolean> {
    const ttl = Math.max(1000, rec.expiresAt - now + 60_000);
    const r = await this.#cmd.set(this.#keys(key)[0], JSON.stringify(rec), "PX", ttl, "NX");
    return r === "OK";
  }

  async join(
    key: string,
    b: { token: string; context: string; conn: string },
    now: number,
  ): Promise<Result<SessionRecord>> {
    const r = (await this.#run("relayJoin", key, now, b.token, b.context, b.conn)) as string[];
    if (r[0] !== "OK") return failure(r[0]);
    return { ok: true, value: JSON.parse(r[1] as string) as SessionRecord };
  }

  async resume(key: string, role: RelayRole, token: string, conn: string, now: number) {
    const r = (await this.#run("relayResumeBuffer", key, now, role, token, conn)) as Buffer[];
    const head = (r[0] as Buffer).toString();
    if (head !== "OK") return failure(head);
    const rec = JSON.parse((r[1] as Buffer).toString()) as SessionRecord;
    return { ok: true as const, value: { rec, buffered: r.slice(2).map((b) => decodeDelivery(b)) } };
  }

  async leave(key: string, role: RelayRole, conn: string, now: number, graceMs: number): Promise<void> {
    await this.#run("relayLeave", key, now, role, conn, graceMs);
  }

  async send(
    key: string,
    role: RelayRole,
    conn: string,
    data: Uint8Array,
    now: number,
    caps: BufferCaps,
  ): Promise<Result<void>> {
    const body = encodeDelivery({ kind: "data", data });
    const r = await this.#run("relaySend", key, now, role, conn, body, caps.maxFrames, caps.maxBytes);
    return r === "OK" ? { ok: true, value: undefined } : failure(r);
  }

  async close(
    key: string,
    role: RelayRole | null,
    conn: string,
    reason: string,
    now: number,
  ): Promise<Result<void>> {
    const r = await this.#run("relayClose", key, now, role ?? "", conn, reason);
    return r === "OK" ? { ok: true, value: undefined } : failure(r);
  }

  async sweep(key: string, now: number): Promise<void> {
    await this.#run("relaySweep", key, now);
  }

  async subscribe(key: string, role: RelayRole, handler: DeliveryHandler): Promise<() => void> {
    const ch = `${this.#keys(key)[3]}${role}`;
    let set = this.#handlers.get(ch);
    if (!set) {
      set = new Set();
      this.#handlers.set(ch, set);
      set.add(handler);
      await this.#sub.subscribe(ch);
    } else set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.#handlers.get(ch) === set) {
        this.#handlers.delete(ch);
        this.#sub.unsubscribe(ch).catch(() => {});
      }
    };
  }

  #onMessage(channel: string, message: Buffer): void {
    const set = this.#handlers.get(channel);
    if (!set || message.length < 2) return;
    const len = message[0] as number;
    const conn = message.subarray(1, 1 + len).toString();
    let d: ReturnType<typeof decodeDelivery>;
    try {
      d = decodeDelivery(message.subarray(1 + len));
    } catch {
      return;
    }
    for (const h of [...set]) h(conn, d);
  }

  async healthy(): Promise<boolean> {
    try {
      return (
        (await Promise.race([
          this.#cmd.ping(),
          new Promise((r) => setTimeout(() => r("timeout"), 2000).unref()),
        ])) === "PONG"
      );
    } catch {
      return false;
    }
  }

  async shutdown(): Promise<void> {
    this.#handlers.clear();
    await Promise.allSettled([this.#cmd.quit(), this.#sub.quit()]);
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
