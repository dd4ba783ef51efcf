// `sigrun agent --stdin` in sealed-job mode: the SSH forced command of `sigrun host add` runs the agent on
// stdin/stdout; a stream that starts with the sealed-session magic is a sealed job (or a key request),
// anything else is a bundle as before.
import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { FrameReader, FrameWriter, SEALED_MAGIC } from "../jobwire/index.js";
import type { Agent } from "./agent.js";
import { SealedHost } from "./sealed-job.js";

/** Reads the first bytes, puts them back, and says whether they are the sealed-session magic. */
export async function startsSealed(stream: Readable): Promise<boolean> {
  const want = SEALED_MAGIC.length;
  const chunks: Buffer[] = [];
  let len = 0;
  while (len < want) {
    const c = stream.read() as Buffer | null;
    if (c !== null) {
      chunks.push(c);
      len += c.length;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) break;
    await Promise.race([once(stream, "readable"), once(stream, "end"), once(stream, "close")]);
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) stream.unshift(head);
  return head.subarray(0, want).toString("latin1") === SEALED_MAGIC;
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
