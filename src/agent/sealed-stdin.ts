// `sigrun agent --stdin` in sealed-job mode: the SSH forced command of `sigrun host add` runs the agent on
// stdin/stdout; a stream that starts with the sealed-session magic is a sealed job (or a key request),
// anything else is a bundle as before.
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { FrameReader, FrameWriter, SEALED_MAGIC } from "../jobwire/index.js";
import type { Agent } from "./agent.js";
import { SealedHost } from "./sealed-job.js";

/**
 * Reads the first bytes and says whether they are the sealed-session magic. The bytes are put back for the
 * next reader — unless the stream already ended (input shorter than the magic, or empty): then `rest` holds
 * the whole input, since an ended stream can neither be unshifted nor read again.
 */
export async function startsSealed(stream: Readable): Promise<{ sealed: boolean; rest?: Uint8Array }> {
  const want = SEALED_MAGIC.length;
  const chunks: Buffer[] = [];
  let len = 0;
  let ended = false;
  const onEnd = () => {
    ended = true;
  };
  stream.once("end", onEnd);
  try {
    while (len < want) {
      const c = stream.read() as Buffer | null;
      if (c !== null) {
        chunks.push(c);
        len += c.length;
        continue;
      }
      if (ended || stream.readableEnded || stream.destroyed) break;
      await Promise.race([once(stream, "readable"), once(stream, "end"), once(stream, "close")]);
    }
  } finally {
    stream.off("end", onEnd);
  }
  const head = Buffer.concat(chunks);
  const sealed = head.subarray(0, want).toString("latin1") === SEALED_MAGIC;
  if (ended || stream.readableEnded) return { sealed, rest: new Uint8Array(head) };
  if (head.length > 0) stream.unshift(head);
  return { sealed };
}

export async function serveSealedStream(
  agent: Agent,
  input: Readable,
  output: Writable,
  transport: string,
): Promise<void> {
  const host = await SealedHost.open(agent);
  await host.session(new FrameReader(input), new FrameWriter(output), transport);
}
