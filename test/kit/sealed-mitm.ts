// A man in the middle for security tests: wraps a real channel and lets a test rewrite any frame of the
// session — the host's offer, the client's release and blobs, the receipt and the sealed outputs — the way
// a hostile network, store or host would. Blobs are handed over whole (tests use small ones).
import { PassThrough } from "node:stream";
import { FrameReader, FrameWriter, type Message } from "../../src/jobwire/index.js";
import type { Channel } from "../../src/remote/channel.js";

export type Frame = { m: Message; data?: Buffer };

export interface Tamper {
  /** The host's reply to hello (the offer). */
  offer?(m: Message): Message | Promise<Message>;
  /** Each client frame after hello (release, blobs); return the frames to send instead. */
  request?(f: Frame): Frame[] | Promise<Frame[]>;
  /** Each host frame after the offer (receipt, blobs, done). */
  response?(f: Frame): Frame[] | Promise<Frame[]>;
}

export interface Mitm {
  readonly channel: Channel;
  /** True once the client sent its release (J left the client). */
  released(): boolean;
}

async function readFrame(r: FrameReader): Promise<Frame | null> {
  if (await r.atEnd()) return null;
  const m = await r.message();
  if (m.t !== "blob") return { m };
  const parts: Buffer[] = [];
  for await (const c of r.blob(Number(m.size))) parts.push(Buffer.from(c));
  return { m, data: Buffer.concat(parts) };
}

async function writeFrame(w: FrameWriter, f: Frame): Promise<void> {
  if (f.data === undefined) return w.message(f.m);
  const { t: _t, size: _s, ...header } = f.m;
  await w.blob(header, f.data.byteLength, [f.data] as unknown as AsyncIterable<Uint8Array>);
}

export function mitm(inner: Channel, t: Tamper): Mitm {
  let released = false;
  return {
    released: () => released,
    channel: {
      async hello(msg) {
        const reply = await inner.hello(msg);
        return t.offer ? t.offer(reply) : reply;
      },
      async release(send) {
        released = true;
        const fromClient = new PassThrough();
        const sending = send(new FrameWriter(fromClient)).then(() => fromClient.end());
        // when the host refuses early, the client stops sending: not this harness's failure
        sending.catch(() => undefined);
        const hostReader = await inner.release(async (w) => {
          const r = new FrameReader(fromClient);
          for (;;) {
            const f = await readFrame(r);
            if (f === null) break;
            for (const g of t.request ? await t.request(f) : [f]) await writeFrame(w, g);
          }
          await sending;
        });
        const toClient = new PassThrough();
        const out = new FrameWriter(toClient);
        void (async () => {
          try {
            for (;;) {
              const f = await readFrame(hostReader);
              if (f === null) break;
              for (const g of t.response ? await t.response(f) : [f]) await writeFrame(out, g);
            }
          } catch (err) {
            // pass the host's refusal on (its code); otherwise the client sees the stream end early
            const e = err as { code?: string; details?: { peer?: boolean } };
            if (e.details?.peer)
              await out.message({ t: "error", code: e.code ?? "INTERNAL", message: "" }).catch(() => {});
          }
          toClient.end();
        })();
        return new FrameReader(toClient);
      },
      close: () => inner.close(),
    },
  };
}
