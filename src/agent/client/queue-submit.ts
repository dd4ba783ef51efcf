import { bundleCaps, parseBundle } from "../../bundle/index.js";
import { SigrunError, sha256Hex } from "../../core/index.js";
import { readReceiptUnverified } from "../receipt.js";
import { ensureNatsStreams, NATS_JOBS_STREAM, NATS_SIG_HEADER, natsSubjects } from "../transports/nats.js";
import { redisKeys } from "../transports/redis.js";

/** The id a queue publisher uses for de-duplication: the manifest id, or the classic form's digest prefix. */
export function submissionId(bundle: Uint8Array): string {
  try {
    return parseBundle(bundle, bundleCaps()).manifest.id;
  } catch {
    return sha256Hex(bundle).slice(0, 32);
  }
}

function digestOf(b: Uint8Array): string {
  return sha256Hex(b);
}

export interface NatsSubmitOptions {
  readonly url: string;
  readonly subject: string;
  readonly bundle: Uint8Array;
  readonly sig?: Uint8Array;
  /** Wait for this many receipts (fan-out to a group: one per member); 0 = do not wait. */
  readonly waitFor: number;
  readonly timeoutMs: number;
  readonly prefix?: string;
  readonly stream?: string;
  /** Called for each matching receipt as it arrives (progress). */
  readonly onReceipt?: (receipt: Uint8Array, count: number) => void;
  /** On timeout, return the receipts that arrived (with `timedOut`) instead of throwing TIMEOUT. */
  readonly partialOnTimeout?: boolean;
}

/** Publishes a bundle to JetStream with msgID = bundle id; optionally collects receipts. */
export async function natsSubmit(
  o: NatsSubmitOptions,
): Promise<{ duplicate: boolean; receipts: Uint8Array[]; timedOut: boolean }> {
  const nats = await import("@nats-io/transport-node");
  const jsmod = await import("@nats-io/jetstream");
  const nc = await nats.connect({ servers: o.url, timeout: 5000 }).catch((err: Error) => {
    throw new SigrunError("TRANSPORT_ERROR", `nats ${o.url}: ${err.message}`, { cause: err });
  });
  try {
    await ensureNatsStreams(await jsmod.jetstreamManager(nc), jsmod, {
      stream: o.stream ?? NATS_JOBS_STREAM,
      prefix: o.prefix,
    });
    const receipts: Uint8Array[] = [];
    const want = digestOf(o.bundle);
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    const sub =
      o.waitFor > 0
        ? nc.subscribe(natsSubjects(o.prefix).receipts, {
            callback: (_err, m) => {
              try {
                if (readReceiptUnverified(m.data).predicate.job.submissionSha256 !== want) return;
              } catch {
                return;
              }
              receipts.push(m.data);
              try {
                o.onReceipt?.(m.data, receipts.length);
              } catch {
                // progress display never stops collection
              }
              if (receipts.length >= o.waitFor) done();
            },
          })
        : undefined;
    await nc.flush();
    const headers = nats.headers();
    if (o.sig) headers.set(NATS_SIG_HEADER, Buffer.from(o.sig).toString("base64"));
    const ack = await jsmod
      .jetstream(nc)
      .publish(o.subject, o.bundle, { msgID: submissionId(o.bundle), headers });
    if (sub && ack.duplicate) {
      // JetStream dropped it (msgID = bundle id seen in its window): no agent gets it again, so no receipt
      // will come; say so at once instead of waiting for the timeout
      sub.unsubscribe();
      return { duplicate: true, receipts, timedOut: false };
    }
    if (sub) {
      const timer = setTimeout(done, o.timeoutMs);
      await finished;
      clearTimeout(timer);
      sub.unsubscribe();
      if (receipts.length < o.waitFor && o.partialOnTimeout)
        return { duplicate: ack.duplicate, receipts, timedOut: true };
      if (receipts.length < o.waitFor)
        throw new SigrunError(
          "TIMEOUT",
          `nats: ${receipts.length} of ${o.waitFor} receipts within ${o.timeoutMs} ms`,
        );
    }
    return { duplicate: ack.duplicate, receipts, timedOut: false };
  } finally {
    await nc.close();
  }
}

export interface RedisSubmitOptions {
  readonly url: string;
  /** Stream key, e.g. from redisKeys().host("web-1"). */
  readonly stream: string;
  readonly bundle: Uint8Array;
  readonly sig?: Uint8Array;
  /** Host whose receipt stream to watch; undefined = do not wait. */
  readonly waitHost?: string;
  readonly timeoutMs: number;
  readonly prefix?: string;
}

/** XADDs a bundle to a job stream; optionally waits for the host's receipt. */
export async function redisSubmit(o: RedisSubmitOptions): Promise<{ entryId: string; receipt?: Uint8Array }> {
  const { Redis } = await import("ioredis");
  const r = new Redis(o.url, { lazyConnect: true, maxRetriesPerRequest: 1, protocol: 2 });
  r.on("error", () => undefined); // failures surface through the awaited commands
  try {
    await r.connect().catch((err: Error) => {
      throw new SigrunError("TRANSPORT_ERROR", `redis: ${err.message}`, { cause: err });
    });
    const rk = o.waitHost ? redisKeys(o.prefix).receipts(o.waitHost) : undefined;
    let from = "0-0";
    if (rk) {
      const last = (await r.call("XREVRANGE", rk, "+", "-", "COUNT", "1")) as [string, string[]][];
      from = last[0]?.[0] ?? "0-0";
    }
    const fields: (string | Buffer)[] = ["id", submissionId(o.bundle), "bundle", Buffer.from(o.bundle)];
    if (o.sig) fields.push("sig", Buffer.from(o.sig));
    const entryId = (await r.call("XADD", o.stream, "*", ...fields)) as string;
    if (!rk) return { entryId };
    const want = digestOf(o.bundle);
    const deadline = Date.now() + o.timeoutMs;
    while (Date.now() < deadline) {
      const res = (await r.callBuffer(
        "XREAD",
        "COUNT",
        "100",
        "BLOCK",
        String(Math.max(1, Math.min(1000, deadline - Date.now()))),
        "STREAMS",
        rk,
        from,
      )) as [Buffer, [Buffer, Buffer[]][]][] | null;
      for (const [, entries] of res ?? []) {
        for (const [id, f] of entries) {
          from = id.toString();
          for (let i = 0; i + 1 < f.length; i += 2) {
            if (f[i]!.toString() !== "receipt") continue;
            const receipt = new Uint8Array(f[i + 1]!);
            try {
              if (readReceiptUnverified(receipt).predicate.job.submissionSha256 === want)
                return { entryId, receipt };
            } catch {
              // not a receipt: skip
            }
          }
        }
      }
    }
    throw new SigrunError("TIMEOUT", `redis: no receipt from ${o.waitHost} within ${o.timeoutMs} ms`);
  } finally {
    r.disconnect();
  }
}
