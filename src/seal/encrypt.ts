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
 * A Transform that seals everything written to it into one age v1 file (binary, or armored with
 * `armor`). Memory stays constant: plaintext is cut into 64 KiB STREAM chunks as it arrives; one chunk
 * is held back so the final one can be flagged.
 */
export function createSealStream(recipients: readonly SealRecipient[], opts: SealOptions = {}): Transform {
  const list = [...recipients];
  let sealer: StreamSealer;
  let head: Buffer | null = null;
  // Held-back plaintext (< one chunk, or exactly one that may be the last), as parts to avoid re-copying.
  let parts: Buffer[] = [];
  let held = 0;
  const armor = opts.armor ? new ArmorEncoder() : null;

  const emit = (t: Transform, parts: Buffer[]): void => {
    if (parts.length === 0) return;
    // Pieces, not one concatenated buffer: a copy of every byte costs as much as half the encryption;
    // the consumer's writev batches them.
    if (armor) t.push(armor.update(Buffer.concat(parts)));
    else for (const p of parts) t.push(p);
  };

  return new Transform({
    highWaterMark: 1024 * 1024,
    construct(callback: (err?: Error | null) => void): void {
      const fileKey = new Uint8Array(randomBytes(FILE_KEY_SIZE));
      buildHeader(list, fileKey).then(
        (header) => {
          const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
          sealer = new StreamSealer(payloadKey(fileKey, nonce));
          fileKey.fill(0);
          head = Buffer.concat([header, nonce]);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
    transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
      try {
        const out: Buffer[] = [];
        if (head) {
          out.push(head);
          head = null;
        }
        let off = 0;
        if (held > 0) {
          // Complete the held-back chunk with the head of this one; copy at most one chunk.
          const need = CHUNK_SIZE - held;
          if (chunk.byteLength <= need) {
            parts.push(chunk);
            held += chunk.byteLength;
            emit(this, out);
            callback();
            return;
          }
          sealer.sealChunk(Buffer.concat([...parts, chunk.subarray(0, need)]), false, out);
          off = need;
        }
        // Strictly more than a chunk left: a full chunk at the very end must be sealed as the final one.
        while (chunk.byteLength - off > CHUNK_SIZE) {
          sealer.sealChunk(chunk.subarray(off, off + CHUNK_SIZE), false, out);
          off += CHUNK_SIZE;
        }
        parts = chunk.byteLength > off ? [Buffer.from(chunk.subarray(off))] : [];
        held = chunk.byteLength - off;
        emit(this, out);
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback: TransformCallback): void {
      try {
        const out: Buffer[] = [];
        if (head) {
          out.push(head);
          head = null;
        }
        sealer.sealChunk(Buffer.concat(parts), true, out);
        parts = [];
        held = 0;
        emit(this, out);
        if (armor) this.push(armor.final());
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
