// Reading what a JetStream stream already holds (an ordered consumer, read until caught up): the receipts
// of a bundle submitted earlier, and the last heartbeat of every host.
import type { SigrunError } from "../../core/index.js";
import { natsBatch, oversized } from "./queue-read.js";

type Js = typeof import("@nats-io/jetstream");
type JetStream = ReturnType<Js["jetstream"]>;
type Manager = Awaited<ReturnType<Js["jetstreamManager"]>>;

/** The transport cap of a read (queue-read.ts): largest record, the server's max_payload, what to tell. */
export interface ReadCap {
  readonly maxBytes: number;
  readonly maxPayload?: number;
  readonly onOversized?: (err: SigrunError, subject: string) => void;
}

/** Most messages read back in one listing (a cap, so a flooded stream cannot hold the client forever). */
export const MAX_HISTORY_MESSAGES = 100_000;

/**
 * Reads `stream` (messages on `subject`) from `from` until the consumer has caught up, giving each
 * message's data to `each`. Returns at once when nothing matches.
 */
export async function readStream(
  js: JetStream,
  jsmod: Js,
  stream: string,
  subject: string,
  from: { lastPerSubject: true } | { startTime: Date },
  each: (data: Uint8Array, subject: string) => void,
  cap: ReadCap,
): Promise<void> {
  const c = await js.consumers.get(stream, {
    filter_subjects: subject,
    ...("lastPerSubject" in from
      ? { deliver_policy: jsmod.DeliverPolicy.LastPerSubject }
      : { deliver_policy: jsmod.DeliverPolicy.StartTime, opt_start_time: from.startTime.toISOString() }),
  });
  const info = await c.info();
  if (info.num_pending === 0) return;
  const msgs = await c.consume({ max_messages: natsBatch(cap.maxPayload) });
  let n = 0;
  try {
    for await (const m of msgs) {
      if (m.data.byteLength > cap.maxBytes)
        cap.onOversized?.(oversized(`nats ${m.subject}`, m.data.byteLength, cap.maxBytes), m.subject);
      else each(m.data, m.subject);
      if (m.info.pending === 0 || ++n >= MAX_HISTORY_MESSAGES) break;
    }
  } finally {
    await msgs.close();
  }
}

/**
 * The receipts agents published for a bundle JetStream stored earlier as message `seq` of the jobs stream:
 * the receipt stream read from that message's time (the duplicate window, at most 10 minutes, when the
 * message is gone). Returns the time the reading started from.
 */
export async function earlierNatsReceipts(o: {
  jsm: Manager;
  js: JetStream;
  jsmod: Js;
  streams: { jobs: string; receipts: string };
  prefix?: string;
  seq: number;
  offer: (receipt: Uint8Array) => void;
  cap: ReadCap;
}): Promise<Date> {
  const { natsSubjects } = await import("../transports/nats.js");
  let start = new Date(Date.now() - 11 * 60_000);
  try {
    const m = await o.jsm.streams.getMessage(o.streams.jobs, { seq: o.seq });
    if (m) start = m.time;
  } catch {
    // purged or unreadable: the duplicate window bounds where the receipts can be
  }
  await readStream(
    o.js,
    o.jsmod,
    o.streams.receipts,
    natsSubjects(o.prefix).receipts,
    { startTime: start },
    (d) => o.offer(d),
    o.cap,
  );
  return start;
}
