import { randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { SigrunError } from "../core/index.js";
import { ArmorEncoder } from "./armor.js";
import { encodeHeader, type Stanza } from "./header.js";
import { CHUNK_SIZE, PAYLOAD_NONCE_SIZE, payloadKey, StreamSealer } from "./stream.js";
import type { SealRecipient } from "./types.js";
import { FILE_KEY_SIZE } from "./x25519.js";

export interface SealOptions {
  /** ASCII armor (PEM "AGE ENCRYPTED FILE") instead of binary. */
  readonly armor?: boolean;
}

/** Builds the header for a fresh file key; checks the recipient list first. */
export async function buildHeader(
  recipients: readonly SealRecipient[],
  fileKey: Uint8Array,
): Promise<Uint8Array> {
  if (recipients.length === 0) throw new SigrunError("USAGE", "seal: at least one recipient is required");
  const stanzas: Stanza[] = [];
  for (const r of recipients) stanzas.push(...(await r.wrapFileKey(fileKey)));
  if (stanzas.some((s) => s.type === "scrypt") && stanzas.length > 1)
    throw new SigrunError("USAGE", "seal: a passphrase cannot be combined with other recipients");
  return encodeHeader(stanzas, fileKey);
}

/**
 * Seals one age v1 file from plaintext pieces of any size, in constant memory. Plaintext is cut into 64
 * KiB STREAM chunks as it arrives; the tail (at most one chunk, which may turn out to be the final one)
 * is copied into a buffer of the sealer's own, so the caller may reuse its input buffer once `push`
 * returns. Output goes to the caller's array as pieces (no concatenation: the writer batches them).
 */
export class SealEngine {
  private head: Buffer | null;
  private readonly hold = Buffer.allocUnsafe(CHUNK_SIZE);
  private held = 0;

  private constructor(
    head: Buffer,
    private readonly sealer: StreamSealer,
    private readonly armor: ArmorEncoder | null,
  ) {
    this.head = head;
  }

  /** A fresh file key wrapped to `recipients`, and the payload key derived from it and a fresh nonce. */
  static async create(recipients: readonly SealRecipient[], opts: SealOptions = {}): Promise<SealEngine> {
    const fileKey = new Uint8Array(randomBytes(FILE_KEY_SIZE));
    try {
      const header = await buildHeader([...recipients], fileKey);
      const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
      const sealer = new StreamSealer(payloadKey(fileKey, nonce));
      return new SealEngine(Buffer.concat([header, nonce]), sealer, opts.armor ? new ArmorEncoder() : null);
    } finally {
      fileKey.fill(0);
    }
  }

  /** Seals every chunk `data` completes, except a possible final one, appending output to `out`. */
  push(data: Uint8Array, out: Buffer[]): void {
    const raw: Buffer[] = this.armor ? [] : out;
    this.takeHead(raw);
    const len = data.byteLength;
    let off = 0;
    if (this.held > 0) {
      off = Math.min(CHUNK_SIZE - this.held, len);
      this.hold.set(data.subarray(0, off), this.held);
      this.held += off;
      // A full held chunk is sealed only once a byte follows it: otherwise it may be the final one.
      if (this.held === CHUNK_SIZE && off < len) {
        this.sealer.sealChunk(this.hold, false, raw);
        this.held = 0;
      }
    }
    // Strictly more than a chunk left: a full chunk at the very end must wait (it may be the last).
    while (len - off > CHUNK_SIZE) {
      this.sealer.sealChunk(data.subarray(off, off + CHUNK_SIZE), false, raw);
      off += CHUNK_SIZE;
    }
    if (off < len) {
      this.hold.set(data.subarray(off), this.held);
      this.held += len - off;
    }
    this.armored(raw, out);
  }

  /** Seals the held tail as the final chunk (an empty one for an empty input). */
  end(out: Buffer[]): void {
    const raw: Buffer[] = this.armor ? [] : out;
    this.takeHead(raw);
    this.sealer.sealChunk(this.hold.subarray(0, this.held), true, raw);
    this.held = 0;
    this.armored(raw, out);
    if (this.armor) out.push(this.armor.final());
  }

  private takeHead(raw: Buffer[]): void {
    if (this.head === null) return;
    raw.push(this.head);
    this.head = null;
  }

  private armored(raw: Buffer[], out: Buffer[]): void {
    if (this.armor && raw.length > 0) out.push(this.armor.update(Buffer.concat(raw)));
  }
}

/**
 * A Transform that seals everything written to it into one age v1 file (binary, or armored with
 * `armor`), over a `SealEngine`.
 */
export function createSealStream(recipients: readonly SealRecipient[], opts: SealOptions = {}): Transform {
  const list = [...recipients];
  let engine: SealEngine;
  const emit = (t: Transform, work: (out: Buffer[]) => void, callback: TransformCallback): void => {
    const out: Buffer[] = [];
    try {
      work(out);
    } catch (err) {
      callback(err as Error);
      return;
    }
    for (const p of out) t.push(p);
    callback();
  };
  return new Transform({
    highWaterMark: 1024 * 1024,
    construct(callback: (err?: Error | null) => void): void {
      SealEngine.create(list, opts).then(
        (e) => {
          engine = e;
          callback();
        },
        (err: Error) => callback(err),
      );
    },
    transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
      emit(this, (out) => engine.push(chunk, out), callback);
    },
    flush(callback: TransformCallback): void {
      emit(this, (out) => engine.end(out), callback);
    },
  });
}
