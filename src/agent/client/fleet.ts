// `sigrun fleet ls` and `submit --group` without --count: the agents that announced themselves on a queue.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../../core/index.js";
import { type PublicKeyInfo, parsePublicKey } from "../../keys/index.js";
import { type FleetEntry, readHeartbeat } from "../heartbeat.js";
import { natsStreams, natsSubjects } from "../transports/nats.js";
import type { NatsAuth, RedisAuth } from "../transports/queue-auth.js";
import { redisKeys } from "../transports/redis.js";
import { readStream } from "./nats-history.js";
import { connectNatsClient, connectRedisClient } from "./queue-connect.js";
import { MAX_HEARTBEAT_RECORD_BYTES, redisGetCapped } from "./queue-read.js";

/** Where the heartbeats are: a NATS server (JetStream) or a Redis server. */
export type QueueTarget =
  | {
      readonly kind: "nats";
      readonly url: string;
      readonly auth?: NatsAuth;
      readonly prefix?: string;
      readonly stream?: string;
    }
  | { readonly kind: "redis"; readonly url: string; readonly auth?: RedisAuth; readonly prefix?: string };

export interface FleetListing {
  /** One entry per host, sorted by host id. */
  readonly hosts: FleetEntry[];
  /** Records that could not be read (malformed, oversized): where, and why. */
  readonly invalid: { readonly key: string; readonly error: string }[];
}

/** Most heartbeat records listed (a cap on what a flooded queue can make the client hold). */
export const MAX_FLEET = 10_000;

/**
 * A host-key lookup over a directory of `<host-id>.pub` files (each agent's `host.pub`, renamed): the key
 * that must have signed that host's heartbeats. Undefined directory: no key for anyone.
 */
export function hostKeysDir(dir: string | undefined): (hostId: string) => PublicKeyInfo | undefined {
  if (dir === undefined) return () => undefined;
  if (!existsSync(dir)) throw new SigrunError("IO_ERROR", `--host-keys ${dir}: no such directory`);
  const cache = new Map<string, PublicKeyInfo | undefined>();
  return (hostId) => {
    if (!cache.has(hostId)) {
      const p = join(dir, `${hostId}.pub`); // host ids are [A-Za-z0-9][A-Za-z0-9._-]*: no path separators
      cache.set(hostId, existsSync(p) ? parsePublicKey(new Uint8Array(readFileSync(p)), p) : undefined);
    }
    return cache.get(hostId);
  };
}

/** A heartbeat record, or why it was not read (TOO_LARGE at the transport). */
type FleetRecord = [string, Uint8Array | SigrunError];

async function natsRecords(t: Extract<QueueTarget, { kind: "nats" }>): Promise<FleetRecord[]> {
  const jsmod = await import("@nats-io/jetstream");
  const nc = await connectNatsClient(t.url, t.auth);
  try {
    const jsm = await jsmod.jetstreamManager(nc);
    const stream = natsStreams(t.stream).fleet;
    try {
      await jsm.streams.info(stream);
    } catch {
      return []; // no agent ever announced itself here
    }
    const out: FleetRecord[] = [];
    await readStream(
      jsmod.jetstream(nc),
      jsmod,
      stream,
      natsSubjects(t.prefix).fleet,
      { lastPerSubject: true },
      (data, subject) => {
        if (out.length < MAX_FLEET) out.push([subject, data]);
      },
      {
        maxBytes: MAX_HEARTBEAT_RECORD_BYTES,
        maxPayload: nc.info?.max_payload,
        onOversized: (err, subject) => {
          if (out.length < MAX_FLEET) out.push([subject, err]);
        },
      },
    );
    return out;
  } finally {
    await nc.close();
  }
}

async function redisRecords(t: Extract<QueueTarget, { kind: "redis" }>): Promise<FleetRecord[]> {
  const r = await connectRedisClient(t.url, t.auth);
  try {
    const pattern = redisKeys(t.prefix).fleetPattern;
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = (await r.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")) as [
        string,
        string[],
      ];
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0" && keys.length < MAX_FLEET);
    const out: FleetRecord[] = [];
    for (let i = 0; i < keys.length && i < MAX_FLEET; i += 500) {
      const part = keys.slice(i, Math.min(i + 500, MAX_FLEET));
      const values = await redisGetCapped(r, part, MAX_HEARTBEAT_RECORD_BYTES);
      part.forEach((k, j) => {
        const v = values[j];
        if (v) out.push([k, v]); // undefined: expired between SCAN and the read, or not a string
      });
    }
    return out;
  } finally {
    r.disconnect();
  }
}

/** Lists the hosts that announced themselves on `t` (optionally only members of `group`). */
export async function listFleet(
  t: QueueTarget,
  o: { group?: string; hostKeys?: (hostId: string) => PublicKeyInfo | undefined; now?: number } = {},
): Promise<FleetListing> {
  const records = t.kind === "nats" ? await natsRecords(t) : await redisRecords(t);
  const now = o.now ?? Date.now();
  const hosts: FleetEntry[] = [];
  const invalid: { key: string; error: string }[] = [];
  for (const [key, data] of records) {
    if (data instanceof SigrunError) {
      invalid.push({ key, error: `${data.code}: ${data.message}` });
      continue;
    }
    try {
      const e = readHeartbeat(data, o.hostKeys ?? (() => undefined), now);
      // the record's place must name its host: a host cannot announce itself under another's key
      const id = e.heartbeat.host.id;
      if (
        key !== (t.kind === "nats" ? natsSubjects(t.prefix).fleetHost(id) : redisKeys(t.prefix).fleetHost(id))
      )
        throw new SigrunError("INPUT_INVALID", `heartbeat of ${e.heartbeat.host.id} stored under ${key}`);
      if (o.group === undefined || e.heartbeat.host.groups.includes(o.group)) hosts.push(e);
    } catch (err) {
      invalid.push({ key, error: (err as Error).message });
    }
  }
  hosts.sort((a, b) => (a.heartbeat.host.id < b.heartbeat.host.id ? -1 : 1));
  return { hosts, invalid };
}

/**
 * The hosts a group fan-out should wait for: live members of `group`. With host keys, only members whose
 * heartbeat verifies; never one whose signature fails.
 */
export function expectedMembers(listing: FleetListing, requireVerified: boolean): string[] {
  return listing.hosts
    .filter((e) => e.live && e.trust !== "bad-signature" && (!requireVerified || e.trust === "verified"))
    .map((e) => e.heartbeat.host.id);
}
