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
  /**
   * How long the agent waits before asking again when no entry was new (default 100 ms). Reads are not
   * blocking XREADGROUPs: they run in a Lua script that measures each value on the server (see READ).
   */
  readonly blockMs?: number;
}

/** Largest value of an entry's fields other than `bundle` (`sig`: a signature; a few hundred bytes). */
const MAX_OTHER_FIELD_BYTES = 64 * 1024;

// The agent reads entries through scripts that run the stream command on the server and send each value
// only when it is within its cap (ARGV: cap of `bundle`, cap of other fields): an entry of gigabytes put on
// the stream by anyone who may write to it never reaches the agent's memory; it is answered TOO_LARGE.
// Each entry comes back as {stream, id, 1 (0: deleted while pending), size of the largest value over its
// cap (0: none), field, value, field, value, …}.
const ENTRIES = `local function pack(out, key, entries, maxBundle, maxOther)
  for _, e in ipairs(entries) do
    local row = {key, e[1], 0, 0}
    local f = e[2]
    if f then
      row[3] = 1
      for i = 1, #f - 1, 2 do
        local cap = maxOther
        if f[i] == 'bundle' then cap = maxBundle end
        row[#row + 1] = f[i]
        if #f[i + 1] > cap then
          if #f[i + 1] > row[4] then row[4] = #f[i + 1] end
          row[#row + 1] = ''
        else
          row[#row + 1] = f[i + 1]
        end
      end
    end
    out[#out + 1] = row
  end
end
`;

// KEYS: streams; ARGV: cap of bundle, cap of others, group, consumer, count, id ('>' new, '0' own pending),
// the stream to start from (rotated by the caller, so that no stream waits behind a busy one). COUNT is per
// stream in XREADGROUP: the streams are read one by one so that `count` bounds the whole read.
const READ_GROUP = `${ENTRIES}
local left = tonumber(ARGV[5])
local n = #KEYS
local out = {}
for i = 0, n - 1 do
  if left <= 0 then break end
  local k = KEYS[((i + tonumber(ARGV[7])) % n) + 1]
  local res = redis.call('XREADGROUP', 'GROUP', ARGV[3], ARGV[4], 'COUNT', left, 'STREAMS', k, ARGV[6])
  if res then
    for _, s in ipairs(res) do
      pack(out, s[1], s[2], tonumber(ARGV[1]), tonumber(ARGV[2]))
      left = left - #s[2]
    end
  end
end
return out`;

// KEYS[1]: stream; ARGV: cap of bundle, cap of others, group, consumer, min idle ms, cursor, count
// → {next cursor, entries…}
const AUTOCLAIM = `${ENTRIES}
local res = redis.call('XAUTOCLAIM', KEYS[1], ARGV[3], ARGV[4], ARGV[5], ARGV[6], 'COUNT', ARGV[7])
local out = {res[1]}
pack(out, KEYS[1], res[2], tonumber(ARGV[1]), tonumber(ARGV[2]))
return out`;

type Row = [stream: Buffer, id: Buffer, present: number, oversized: number, ...fields: Buffer[]];

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
  private loop: Promise<void> | undefined;
  private readonly jobs = new Set<Promise<unknown>>();
  private stopped = false;
  /** Which stream the next read starts from (READ_GROUP). */
  private turn = 0;
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
    this.client.on("error", (err: Error) => this.warn(err));
    await this.client.connect().catch((err: Error) => {
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
    const consumer = agent.hostId;
    // 1. entries this consumer took before a crash and never acked
    await this.drain(agent, streams, group, consumer, "0");
    // 2. entries other consumers of the group left pending for too long (a few at a time)
    for (const s of streams) {
      let cursor = "0-0";
      do {
        const [next, ...rows] = (await this.client!.callBuffer(
          "EVAL",
          AUTOCLAIM,
          "1",
          s,
          ...this.caps(agent),
          group,
          consumer,
          String(this.opts.claimIdleMs ?? 60_000),
          cursor,
          String(MAX_INFLIGHT),
        )) as [Buffer, ...Row[]];
        for (const row of rows) await this.handle(agent, group, row);
        cursor = next?.toString() ?? "0-0";
      } while (cursor !== "0-0" && !this.stopped);
    }
    // 3. new entries, never more than MAX_INFLIGHT read and unanswered (the rest stay in Redis)
    while (!this.stopped) {
      await belowInflight(this.jobs);
      let rows: Row[];
      try {
        rows = await this.readGroup(agent, streams, group, consumer, MAX_INFLIGHT - this.jobs.size, ">");
      } catch (err) {
        if (this.stopped) return;
        process.stderr.write(`sigrun agent: redis: ${(err as Error).message}\n`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const row of rows) {
        const job = this.handle(agent, group, row).catch((err) =>
          process.stderr.write(`sigrun agent: redis: ${(err as Error).message}\n`),
        );
        this.jobs.add(job);
        void job.finally(() => this.jobs.delete(job));
      }
      if (rows.length === 0 && !this.stopped)
        await new Promise((r) => setTimeout(r, this.opts.blockMs ?? 100));
    }
  }

  /** The caps READ_GROUP and AUTOCLAIM apply, as their first two arguments. */
  private caps(agent: Agent): [string, string] {
    return [String(agent.maxBundleBytes), String(MAX_OTHER_FIELD_BYTES)];
  }

  private async readGroup(
    agent: Agent,
    streams: string[],
    group: string,
    consumer: string,
    count: number,
    from: string,
  ): Promise<Row[]> {
    return (await this.client!.callBuffer(
      "EVAL",
      READ_GROUP,
      String(streams.length),
      ...streams,
      ...this.caps(agent),
      group,
      consumer,
      String(count),
      from,
      String(this.turn++ % streams.length),
    )) as Row[];
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
      const rows = await this.readGroup(agent, streams, group, consumer, MAX_INFLIGHT, from);
      const n = rows.length;
      for (const row of rows) await this.handle(agent, group, row);
      if (n === 0 || this.stopped) return;
    }
  }

  private async handle(agent: Agent, group: string, row: Row): Promise<void> {
    const [streamKey, id, present, oversized, ...fields] = row;
    const stream = streamKey.toString();
    const f = new Map<string, Buffer>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!.toString(), fields[i + 1]!);
    const bundle = f.get("bundle");
    const sig = f.get("sig");
    if (Number(present) === 1) {
      const bytes = bundle
        ? new Uint8Array(bundle.buffer, bundle.byteOffset, bundle.byteLength)
        : new Uint8Array(0);
      // a value over its cap was not sent (READ_GROUP); answered as an oversized bundle
      const tooLarge = Number(oversized) > 0 || bytes.byteLength > agent.maxBundleBytes;
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
    await this.client?.quit().catch(() => undefined);
  }
}
