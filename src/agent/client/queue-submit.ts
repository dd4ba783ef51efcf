import { bundleCaps, parseBundle } from "../../bundle/index.js";
import { SigrunError, sha256Hex } from "../../core/index.js";
import { ensureNatsStreams, NATS_SIG_HEADER, natsStreams, natsSubjects } from "../transports/nats.js";
import type { NatsAuth, RedisAuth } from "../transports/queue-auth.js";
import { redisKeys } from "../transports/redis.js";
import { earlierNatsReceipts } from "./nats-history.js";
import { connectNatsClient, connectRedisClient } from "./queue-connect.js";
import {
  MAX_RECEIPT_RECORD_BYTES,
  type OnOversized,
  oversized,
  redisReadCapped,
  redisStreamTail,
} from "./queue-read.js";
import { type Expectation, expectedCount, ReceiptCollector } from "./receipt-collector.js";

/** How often `submit --redis --wait` looks for new receipts. */
const REDIS_POLL_MS = 100;

/** The id a queue publisher uses for de-duplication: the manifest id, or the classic form's digest prefix. */
export function submissionId(bundle: Uint8Array): string {
  try {
    return parseBundle(bundle, bundleCaps()).manifest.id;
  } catch {
    return sha256Hex(bundle).slice(0, 32);
  }
}

/** Progress: a receipt `k` of the expected ones arrived from `host`; `missing` = expected hosts still silent. */
export type OnReceipt = (receipt: Uint8Array, k: number, host: string, missing: readonly string[]) => void;

export interface NatsSubmitOptions {
  readonly url: string;
  readonly auth?: NatsAuth;
  readonly subject: string;
  readonly bundle: Uint8Array;
  readonly sig?: Uint8Array;
  /** Wait for this many receipts (fan-out to a group: one per member); 0 = do not wait. */
  readonly waitFor: number;
  /** Wait for one receipt from each of these hosts instead of a count. */
  readonly expectHosts?: readonly string[];
  readonly timeoutMs: number;
  readonly prefix?: string;
  readonly stream?: string;
  /** Called for each matching receipt as it arrives (progress). */
  readonly onReceipt?: OnReceipt;
  /** On timeout, return the receipts that arrived (with `timedOut`) instead of throwing TIMEOUT. */
  readonly partialOnTimeout?: boolean;
  /** JetStream already held the bundle (first stored at `storedAt`): `found` earlier receipts were read,
   * `missing` expected hosts have not answered yet (the wait goes on for them). */
  readonly onDuplicate?: (storedAt: Date, found: number, missing: readonly string[]) => void;
  /** A record over MAX_RECEIPT_RECORD_BYTES was skipped unread (queue-read.ts). */
  readonly onOversized?: OnOversized;
}

export interface QueueSubmitResult {
  /** NATS: JetStream already held this bundle (same msgID within its window); `receipts` then holds the
   * receipts the agents issued for it earlier, read back from the receipt stream. */
  readonly duplicate: boolean;
  readonly receipts: Uint8Array[];
  readonly timedOut: boolean;
}

/** Feeds a collector and reports progress; resolves `finished` once the expectation is met. */
function collecting(o: { bundle: Uint8Array; onReceipt?: OnReceipt }, expect: Expectation) {
  const c = new ReceiptCollector(sha256Hex(o.bundle), expect);
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const offer = (data: Uint8Array): void => {
    const host = c.offer(data);
    if (host === undefined) return;
    try {
      o.onReceipt?.(data, c.receipts.length, host, c.missing());
    } catch {
      // progress display never stops collection
    }
    if (c.done()) done();
  };
  return { c, offer, finished, done: () => done() };
}

function timeoutOrPartial(
  c: ReceiptCollector,
  expect: Expectation,
  o: { partialOnTimeout?: boolean; timeoutMs: number },
  what: string,
): void {
  if (c.done() || o.partialOnTimeout) return;
  const missing = c.missing();
  throw new SigrunError(
    "TIMEOUT",
    `${what}: ${c.receipts.length} of ${expectedCount(expect)} receipts within ${o.timeoutMs} ms` +
      (missing.length > 0 ? ` (no answer from ${missing.join(", ")})` : ""),
  );
}

/**
 * Publishes a bundle to JetStream with msgID = bundle id; optionally collects receipts. A bundle JetStream
 * already holds is not delivered again: its earlier receipts are read back from the receipt stream, and
 * the wait goes on only for expected hosts that have not answered yet.
 */
export async function natsSubmit(o: NatsSubmitOptions): Promise<QueueSubmitResult> {
  const nats = await import("@nats-io/transport-node");
  const jsmod = await import("@nats-io/jetstream");
  const nc = await connectNatsClient(o.url, o.auth);
  try {
    const jsm = await jsmod.jetstreamManager(nc);
    const streams = natsStreams(o.stream);
    await ensureNatsStreams(jsm, jsmod, { stream: streams.jobs, prefix: o.prefix });
    const expect: Expectation = { count: o.waitFor, hosts: o.expectHosts };
    const wait = expectedCount(expect) > 0;
    const col = collecting(o, expect);
    const max = MAX_RECEIPT_RECORD_BYTES;
    const tell = (err: SigrunError): void => {
      try {
        o.onOversized?.(err);
      } catch {
        // reporting never stops collection
      }
    };
    const sub = wait
      ? nc.subscribe(natsSubjects(o.prefix).receipts, {
          callback: (_err, m) => {
            // at most the server's max_payload arrived; a record over the receipt cap is not parsed
            if (m.data.byteLength > max) tell(oversized(`nats ${m.subject}`, m.data.byteLength, max));
            else col.offer(m.data);
          },
        })
      : undefined;
    await nc.flush();
    const headers = nats.headers();
    if (o.sig) headers.set(NATS_SIG_HEADER, Buffer.from(o.sig).toString("base64"));
    const js = jsmod.jetstream(nc);
    const ack = await js.publish(o.subject, o.bundle, { msgID: submissionId(o.bundle), headers });
    if (!sub) return { duplicate: ack.duplicate, receipts: [], timedOut: false };
    if (ack.duplicate) {
      // JetStream dropped it (msgID seen in its window): no agent gets it again. What they answered the
      // first time is in the receipt stream, from the time the first copy was stored.
      const storedAt = await earlierNatsReceipts({
        jsm,
        js,
        jsmod,
        streams,
        prefix: o.prefix,
        seq: ack.seq,
        offer: col.offer,
        cap: { maxBytes: max, maxPayload: nc.info?.max_payload, onOversized: tell },
      });
      try {
        o.onDuplicate?.(storedAt, col.c.receipts.length, col.c.missing());
      } catch {
        // progress display never stops collection
      }
    }
    if (!col.c.done()) {
      const timer = setTimeout(col.done, o.timeoutMs);
      await col.finished;
      clearTimeout(timer);
    }
    sub.unsubscribe();
    timeoutOrPartial(col.c, expect, o, "nats");
    return { duplicate: ack.duplicate, receipts: col.c.receipts, timedOut: !col.c.done() };
  } finally {
    await nc.close();
  }
}

export interface RedisSubmitOptions {
  readonly url: string;
  readonly auth?: RedisAuth;
  /** Stream key, e.g. from redisKeys().host("web-1"). */
  readonly stream: string;
  readonly bundle: Uint8Array;
  readonly sig?: Uint8Array;
  /** Host whose receipt stream to watch (one receipt); undefined = see `receiptStream`, else do not wait. */
  readonly waitHost?: string;
  /** Receipt stream to watch (e.g. redisKeys().groupReceipts("web")) with `waitFor`/`expectHosts`. */
  readonly receiptStream?: string;
  readonly waitFor?: number;
  readonly expectHosts?: readonly string[];
  readonly timeoutMs: number;
  readonly prefix?: string;
  readonly onReceipt?: OnReceipt;
  readonly partialOnTimeout?: boolean;
  /** A receipt entry over MAX_RECEIPT_RECORD_BYTES was skipped unread (queue-read.ts). */
  readonly onOversized?: OnOversized;
}

/** XADDs a bundle to a job stream; optionally waits for the receipt(s) on a receipt stream. */
export async function redisSubmit(
  o: RedisSubmitOptions,
): Promise<{ entryId: string; receipt?: Uint8Array; receipts: Uint8Array[]; timedOut: boolean }> {
  const r = await connectRedisClient(o.url, o.auth);
  try {
    const rk = o.waitHost ? redisKeys(o.prefix).receipts(o.waitHost) : o.receiptStream;
    const expect: Expectation = o.waitHost
      ? { count: 1, hosts: o.expectHosts ?? [o.waitHost] }
      : { count: rk ? (o.waitFor ?? 1) : 0, hosts: o.expectHosts };
    let from = "0-0";
    if (rk) from = await redisStreamTail(r, rk);
    const fields: (string | Buffer)[] = ["id", submissionId(o.bundle), "bundle", Buffer.from(o.bundle)];
    if (o.sig) fields.push("sig", Buffer.from(o.sig));
    const entryId = (await r.call("XADD", o.stream, "*", ...fields)) as string;
    if (!rk || expectedCount(expect) === 0) return { entryId, receipts: [], timedOut: false };
    const col = collecting(o, expect);
    const deadline = Date.now() + o.timeoutMs;
    const tell: OnOversized = (err) => {
      try {
        o.onOversized?.(err);
      } catch {
        // reporting never stops collection
      }
    };
    // polled through a script that measures each entry on the server (XREAD would send any size)
    while (Date.now() < deadline && !col.c.done()) {
      const got = await redisReadCapped(r, rk, from, "receipt", MAX_RECEIPT_RECORD_BYTES, tell);
      const idle = got.last === from; // no new entry: wait a little before looking again
      from = got.last;
      for (const v of got.values) col.offer(v);
      if (idle && !col.c.done())
        await new Promise((res) =>
          setTimeout(res, Math.max(1, Math.min(REDIS_POLL_MS, deadline - Date.now()))),
        );
    }
    if (o.waitHost && !col.c.done() && !o.partialOnTimeout)
      throw new SigrunError("TIMEOUT", `redis: no receipt from ${o.waitHost} within ${o.timeoutMs} ms`);
    timeoutOrPartial(col.c, expect, o, "redis");
    return { entryId, receipt: col.c.receipts[0], receipts: col.c.receipts, timedOut: !col.c.done() };
  } finally {
    r.disconnect();
  }
}
