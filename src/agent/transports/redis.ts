import { SigrunError } from "../../core/index.js";
import type { Agent } from "../agent.js";
import { DEFAULT_HEARTBEAT_MS, HEARTBEAT_KEEP_SECONDS, HeartbeatLoop } from "../heartbeat.js";
import { redactUrl, redisTlsOptions, resolveRedisUrl } from "./queue-auth.js";
import { belowInflight, MAX_INFLIGHT, type Transport } from "./transport.js";

export interface RedisOptions {
  /** redis:// or rediss:// URL; or `urlEnv`, the environment variable holding it (with a password). */
  readonly url?: string;
  readonly urlEnv?: string;
  /** TLS: CA file, client certificate and key files (PEM). */
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Heartbeat interval (default 30 s; docs/spec/fleet-heartbeat.md). */
  readonly heartbeatMs?: number;
  /** Key prefix (default `sigrun`). */
  readonly prefix?: string;
  /** Pending entries idle longer than this are claimed from other consumers of the group (default 60 s). */
  readonly claimIdleMs?: number;
  /** XREADGROUP block time (default 1000 ms). */
  readonly blockMs?: number;
}

/** Stream keys shared by the agent and `sigrun submit --redis`. */
export function redisKeys(prefix = "sigrun") {
  return {
    host: (id: string) => `${prefix}:jobs:host:${id}`,
    group: (g: string) => `${prefix}:jobs:group:${g}`,
    receipts: (hostId: string) => `${prefix}:receipts:${hostId}`,
    /** Receipts of jobs taken from a group stream (every member's), besides each host's own stream. */
    groupReceipts: (g: string) => `${prefix}:receipts:group:${g}`,
    consumerGroup: (hostId: string) => `host:${hostId}`,
    /** The host's last heartbeat (a string key with an expiry). */
    fleetHost: (hostId: string) => `${prefix}:fleet:${hostId}`,
    /** SCAN pattern of every heartbeat key (glob characters of the prefix escaped). */
    fleetPattern: `${prefix.replace(/[*?[\]\\]/g, "\\$&")}:fleet:*`,
  };
}

type Entry = [id: Buffer, fields: Buffer[] | null];

/**
 * Redis Streams transport: a consumer group per host on its host stream and each group stream (every
 * member of `group:web` has its own consumer group, so each runs the bundle once). Entries carry `bundle`
 * (and `sig` for the classic form). After the receipt is durable it is XADDed to `<prefix>:receipts:<host>`
 * (and, for an entry of a group stream, to `<prefix>:receipts:group:<g>`) and the entry XACKed. At start the
 * host first re-reads its own pending entries (delivered before a crash, not acked) and claims entries other
 * consumers of its group left pending. Every `heartbeatMs` it SETs a signed heartbeat at `<prefix>:fleet:<host>`.
 */
export class RedisTransport implements Transport {
  readonly name = "redis";
  private client: import("ioredis").Redis | undefined;
  private reader: import("ioredis").Redis | undefined;
  private loop: Promise<void> | undefined;
  private readonly jobs = new Set<Promise<unknown>>();
  private stopped = false;
  private heartbeat: HeartbeatLoop | undefined;

  constructor(private readonly opts: RedisOptions) {}

  describe(): string {
    return `redis ${this.opts.url ? redactUrl(this.opts.url) : `$${this.opts.urlEnv}`}`;
  }

  async start(agent: Agent): Promise<void> {
    const { Redis } = await import("ioredis");
    const o = this.opts;
    const url = resolveRedisUrl(o);
    const tls = redisTlsOptions({ tls: { ca: o.tlsCa, cert: o.tlsCert, key: o.tlsKey } });
    // RESP2 replies: stream reads come back as [[key, [[id, fields]]]] (RESP3 flattens maps).
    const ro = { maxRetriesPerRequest: null, lazyConnect: true, protocol: 2 as const, ...tls };
    this.client = new Redis(url, ro);
    this.reader = new Redis(url, ro);
    for (const c of [this.client, this.reader]) c.on("error", (err: Error) => this.warn(err));
    for (const c of [this.client, this.reader])
      await c.connect().catch((err: Error) => {
        throw new SigrunError("TRANSPORT_ERROR", `redis ${this.describe().slice(6)}: ${err.message}`, {
          cause: err,
        });
      });
    const k = redisKeys(this.opts.prefix);
    const group = k.consumerGroup(agent.hostId);
    const streams = [k.host(agent.hostId), ...agent.groups.map((g) => k.group(g))];
    for (const s of streams) {
      try {
        await this.client.call("XGROUP", "CREATE", s, group, "0", "MKSTREAM");
      } catch (err) {
        if (!/BUSYGROUP/.test((err as Error).message)) throw err;
      }
    }
    this.loop = this.run(agent, streams, group);
    const client = this.client;
    this.heartbeat = new HeartbeatLoop({
      hostId: agent.hostId,
      groups: agent.groups,
      signer: agent.identity.signer,
      transport: "redis",
      intervalMs: o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      publish: async (id, env) =>
        void (await client.call(
          "SET",
          k.fleetHost(id),
          Buffer.from(env),
          "EX",
          String(HEARTBEAT_KEEP_SECONDS),
        )),
      warn: (m) => this.warn(new Error(m)),
    });
    await this.heartbeat.start();
  }

  private async run(agent: Agent, streams: string[], group: string): Promise<void> {
    const reader = this.reader!;
    const consumer = agent.hostId;
    // 1. entries this consumer took before a crash and never acked
    await this.drain(agent, streams, group, consumer, "0");
    // 2. entries other consumers of the group left pending for too long (a few at a time)
    for (const s of streams) {
      let cursor = "0-0";
      do {
        const res = (await this.client!.callBuffer(
          "XAUTOCLAIM",
          s,
          group,
          consumer,
          String(this.opts.claimIdleMs ?? 60_000),
          cursor,
          "COUNT",
          String(MAX_INFLIGHT),
        )) as [Buffer, Entry[]];
        for (const e of res?.[1] ?? []) await this.handle(agent, s, group, e);
        cursor = res?.[0]?.toString() ?? "0-0";
      } while (cursor !== "0-0" && !this.stopped);
    }
    // 3. new entries, never more than MAX_INFLIGHT read and unanswered (the rest stay in Redis)
    while (!this.stopped) {
      await belowInflight(this.jobs);
      let res: [Buffer, Entry[]][] | null;
      try {
        res = (await reader.callBuffer(
          "XREADGROUP",
          "GROUP",
          group,
          consumer,
          "COUNT",
          String(MAX_INFLIGHT - this.jobs.size),
          "BLOCK",
          String(this.opts.blockMs ?? 1000),
          "STREAMS",
          ...streams,
          ...streams.map(() => ">"),
        )) as [Buffer, Entry[]][] | null;
      } catch (err) {
        if (this.stopped) return;
        process.stderr.write(`sigrun agent: redis: ${(err as Error).message}\n`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [key, entries] of res ?? []) {
        for (const e of entries) {
          const job = this.handle(agent, key.toString(), group, e).catch((err) =>
            process.stderr.write(`sigrun agent: redis: ${(err as Error).message}\n`),
          );
          this.jobs.add(job);
          void job.finally(() => this.jobs.delete(job));
        }
      }
    }
  }

  private async drain(
    agent: Agent,
    streams: string[],
    group: string,
    consumer: string,
    from: string,
  ): Promise<void> {
    // a few at a time: each handled entry is acknowledged, so reading from `from` again moves on
    for (;;) {
      const res = (await this.client!.callBuffer(
        "XREADGROUP",
        "GROUP",
        group,
        consumer,
        "COUNT",
        String(MAX_INFLIGHT),
        "STREAMS",
        ...streams,
        ...streams.map(() => from),
      )) as [Buffer, Entry[]][] | null;
      let n = 0;
      for (const [key, entries] of res ?? [])
        for (const e of entries) {
          n++;
          await this.handle(agent, key.toString(), group, e);
        }
      if (n === 0 || this.stopped) return;
    }
  }

  private async handle(agent: Agent, stream: string, group: string, [id, fields]: Entry): Promise<void> {
    const f = new Map<string, Buffer>();
    for (let i = 0; fields && i + 1 < fields.length; i += 2) f.set(fields[i]!.toString(), fields[i + 1]!);
    const bundle = f.get("bundle");
    const sig = f.get("sig");
    if (fields !== null) {
      const bytes = bundle
        ? new Uint8Array(bundle.buffer, bundle.byteOffset, bundle.byteLength)
        : new Uint8Array(0);
      const tooLarge = bytes.byteLength > agent.maxBundleBytes;
      const r = await agent.submit({
        bytes: tooLarge ? new Uint8Array(0) : bytes,
        sig: sig ? new Uint8Array(sig) : undefined,
        tooLarge,
        transport: "redis",
      });
      const k = redisKeys(this.opts.prefix);
      const g = agent.groups.find((x) => k.group(x) === stream);
      for (const key of g === undefined
        ? [k.receipts(agent.hostId)]
        : [k.receipts(agent.hostId), k.groupReceipts(g)])
        await this.client!.call(
          "XADD",
          key,
          "MAXLEN",
          "~",
          "100000",
          "*",
          "job",
          r.jobId,
          "entry",
          id.toString(),
          "bundle",
          r.bundleId ?? "",
          "status",
          r.status,
          "host",
          agent.hostId,
          "receipt",
          Buffer.from(r.receipt),
        );
    }
    await this.client!.call("XACK", stream, group, id.toString());
  }

  private lastWarn = 0;

  private warn(err: Error): void {
    if (this.stopped || Date.now() - this.lastWarn < 5000) return;
    this.lastWarn = Date.now();
    process.stderr.write(`sigrun agent: redis: ${err.message}\n`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.heartbeat?.stop();
    await Promise.allSettled([this.loop]);
    await Promise.allSettled([...this.jobs]);
    this.reader?.disconnect();
    await this.client?.quit().catch(() => undefined);
  }
}
