import type { Readable } from "node:stream";

export interface CappedRead {
  readonly bytes: Uint8Array;
  /** The stream had more than `cap` bytes; reading stopped at the cap and `bytes` is empty. */
  readonly tooLarge: boolean;
}

/**
 * Reads a stream into memory up to `cap` bytes. Past the cap it stops collecting (never buffers more than
 * `cap`), drops what it has and reports `tooLarge`; the caller decides whether to drain or destroy.
 */
export function readCapped(stream: Readable, cap: number): Promise<CappedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    const onData = (chunk: Buffer): void => {
      if (over) return;
      total += chunk.byteLength;
      if (total > cap) {
        over = true;
        chunks.length = 0;
        cleanup();
        stream.pause();
        resolve({ bytes: new Uint8Array(0), tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const buf = Buffer.concat(chunks);
      resolve({ bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), tooLarge: false });
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}
