import { fstatSync, write, writev } from "node:fs";
import { Writable } from "node:stream";

/**
 * A Writable over an already open file descriptor that batches buffered chunks into one writev(2) and
 * never closes the descriptor. For stdout redirected to a file or /dev/null, where `process.stdout` is a
 * synchronous stream doing one write(2) per chunk.
 */
export function fdWriter(fd: number): Writable {
  const w = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
      write(fd, chunk, (err) => cb(err));
    },
    writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
      writev(
        fd,
        chunks.map((c) => c.chunk),
        (err) => cb(err),
      );
    },
  });
  // Bulk writers (seal's pump) may write to `fd` themselves while nothing is queued here.
  return Object.assign(w, { fd, directWrites: true });
}

/**
 * Where a verb's bulk output to stdout should go: a batching fd writer when stdout is a regular file or a
 * character device (not a terminal), else `process.stdout` (pipes, sockets, terminals).
 */
export function stdoutSink(): Writable {
  try {
    const st = fstatSync(1);
    if (st.isFile() || (st.isCharacterDevice() && !process.stdout.isTTY)) return fdWriter(1);
  } catch {
    // fall through
  }
  return process.stdout;
}
