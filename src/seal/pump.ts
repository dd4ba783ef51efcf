import { close, open, read, WriteStream, writev } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { promisify } from "node:util";

// The I/O loop of seal and unseal: a file is read with read(2) into two reused 1 MiB buffers (the next
// read runs on the thread pool while this one is processed), a stream by async iteration; each batch of
// output pieces goes to the sink with one corked write, so write(2)/writev(2) overlaps the next batch.
// No per-chunk promises and no stream hop per stage.

/** Turns input pieces into output pieces; may keep (a copy of) a tail for the next call. */
export interface ChunkEngine {
  push(data: Uint8Array, out: Buffer[]): Promise<void> | undefined | void;
  end(out: Buffer[]): Promise<void> | undefined | void;
}

export interface PumpOptions {
  /** Running count of input bytes consumed. */
  readonly onInput?: (bytesIn: number) => void;
  /** Output bytes of each batch, after it was handed to the sink. */
  readonly onOutput?: (bytes: number) => void;
}

export interface PumpResult {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** Bytes per read(2): 16 STREAM chunks. */
export const READ_SIZE = 1024 * 1024;

function readAsync(fd: number, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buf, 0, buf.byteLength, null, (err, n) => (err ? reject(err) : resolve(n)));
  });
}
const openAsync = promisify(open);
const closeAsync = promisify(close);

/** Writes a batch with one corked write; resolves once the last piece is flushed (the sink's backpressure). */
function writeBatch(sink: Writable, pieces: readonly Buffer[]): Promise<void> {
  if (pieces.length === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    sink.cork();
    for (let i = 0; i < pieces.length - 1; i++) sink.write(pieces[i]);
    sink.write(pieces[pieces.length - 1], (err) => (err ? reject(err) : resolve()));
    sink.uncork();
  });
}

/** writev(2) of every piece, continuing after short writes. */
function writevAll(fd: number, pieces: readonly Buffer[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const go = (list: readonly Buffer[]): void => {
      writev(fd, list as Buffer[], (err, n) => {
        if (err) return reject(err);
        let i = 0;
        while (i < list.length && n >= list[i]!.byteLength) n -= list[i++]!.byteLength;
        if (i === list.length) return resolve();
        go([list[i]!.subarray(n), ...list.slice(i + 1)]);
      });
    };
    go(pieces);
  });
}

/**
 * The descriptor to write to directly, when the sink is a file stream or an fd writer (`fdWriter`) with
 * nothing queued: one writev(2) per batch, without a Writable's per-piece bookkeeping.
 */
function directFd(sink: Writable): number | null {
  const fd = (sink as { fd?: unknown }).fd;
  if (typeof fd !== "number" || sink.writableLength !== 0) return null;
  return sink instanceof WriteStream || (sink as { directWrites?: unknown }).directWrites === true
    ? fd
    : null;
}

/** Yields the bytes of `path` in pieces of up to READ_SIZE, alternating two buffers, one read ahead. */
async function* readFile(path: string): AsyncGenerator<Buffer> {
  const fd = await openAsync(path, "r");
  const bufs = [Buffer.allocUnsafe(READ_SIZE), Buffer.allocUnsafe(READ_SIZE)];
  let i = 0;
  let next: Promise<number> | null = readAsync(fd, bufs[0]!);
  try {
    while (next !== null) {
      const n = await next;
      next = null;
      if (n === 0) break;
      const cur = bufs[i]!;
      i ^= 1;
      // The consumer is done with the other buffer (it was yielded before the current one).
      next = readAsync(fd, bufs[i]!);
      yield cur.subarray(0, n);
    }
  } finally {
    if (next !== null) await next.catch(() => 0);
    await closeAsync(fd);
  }
}

/**
 * Runs `input` (a path, or a Readable or other async iterable of bytes) through `engine` into `sink`. The sink is not ended. A buffer
 * yielded by the reader is reused two reads later, which the engines allow (they copy what they keep).
 */
export async function pump(
  input: string | AsyncIterable<Uint8Array>,
  engine: ChunkEngine,
  sink: Writable,
  opts: PumpOptions = {},
): Promise<PumpResult> {
  let bytesIn = 0;
  let bytesOut = 0;
  let writing: Promise<void> = Promise.resolve();
  const fd = directFd(sink);
  const write = (out: Buffer[]): Promise<void> =>
    out.length === 0 ? Promise.resolve() : fd === null ? writeBatch(sink, out) : writevAll(fd, out);
  const flush = async (out: Buffer[]): Promise<void> => {
    await writing;
    let n = 0;
    for (const p of out) n += p.byteLength;
    bytesOut += n;
    writing = write(out);
    // A failed write is reported by the next await of `writing`, never as an unhandled rejection.
    writing.catch(() => {});
    opts.onOutput?.(n);
  };
  const source: AsyncIterable<Uint8Array> = typeof input === "string" ? readFile(input) : input;
  try {
    for await (const data of source) {
      bytesIn += data.byteLength;
      opts.onInput?.(bytesIn);
      const out: Buffer[] = [];
      try {
        await engine.push(data, out);
      } finally {
        // Plaintext that did authenticate before a failure is written too (as age does).
        await flush(out);
      }
    }
    const out: Buffer[] = [];
    try {
      await engine.end(out);
    } finally {
      await flush(out);
    }
  } finally {
    await writing.catch(() => {});
  }
  await writing;
  return { bytesIn, bytesOut };
}

/** Ends `sink` and waits until everything is written. */
export async function endSink(sink: Writable): Promise<void> {
  sink.end();
  await finished(sink);
}
