import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { hkdf } from "./primitives.js";

// The age STREAM payload (age-encryption.org/v1, "Payload"): 64 KiB plaintext chunks, each sealed with
// ChaCha20-Poly1305 under the payload key; nonce = 11-byte big-endian chunk counter || last-chunk flag.
// node:crypto's ChaCha20-Poly1305 does the AEAD (OpenSSL, ~1 GiB/s), one cipher object per chunk (the
// nonce changes per chunk); the key object and the nonce buffer are made once per stream (node:crypto
// copies both when a cipher is created).

export const CHUNK_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
export const PAYLOAD_NONCE_SIZE = 16;
/** The counter is kept in 48 bits here (2^48 chunks = 16 EiB), far below the format's 88. */
const MAX_CHUNKS = 2 ** 48 - 1;

/** payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload") */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(fileKey, nonce, "payload");
}

/** Writes the chunk nonce into `n` (12 bytes, the top 5 counter bytes stay zero) and returns it. */
function chunkNonce(n: Buffer, counter: number, last: boolean): Buffer {
  if (counter > MAX_CHUNKS) throw new SigrunError("SEAL_ERROR", "age payload: chunk counter overflow");
  n.writeUIntBE(counter, 5, 6);
  n[11] = last ? 1 : 0;
  return n;
}

/** Seals plaintext chunks in order; the caller says which one is last. */
export class StreamSealer {
  private counter = 0;
  private done = false;
  private readonly key: KeyObject;
  private readonly nonce = Buffer.alloc(12);
  constructor(key: Uint8Array) {
    this.key = createSecretKey(key);
  }

  /** `plaintext` must be exactly CHUNK_SIZE bytes unless `last` (then 1..CHUNK_SIZE, or 0 for an empty file). */
  sealChunk(plaintext: Uint8Array, last: boolean, out: Buffer[]): void {
    if (this.done) throw new SigrunError("INTERNAL", "age payload: chunk after the last one");
    if (!last && plaintext.byteLength !== CHUNK_SIZE)
      throw new SigrunError("INTERNAL", "age payload: short chunk that is not the last");
    if (last && plaintext.byteLength === 0 && this.counter !== 0)
      throw new SigrunError("INTERNAL", "age payload: empty last chunk after data");
    const c = createCipheriv("chacha20-poly1305", this.key, chunkNonce(this.nonce, this.counter, last), {
      authTagLength: TAG_SIZE,
    });
    out.push(c.update(plaintext));
    c.final();
    out.push(c.getAuthTag());
    this.counter++;
    if (last) this.done = true;
  }
}

/** Opens ciphertext chunks in order; `null` when the tag does not verify with the given flag. */
export class StreamOpener {
  private counter = 0;
  private readonly key: KeyObject;
  private readonly nonce = Buffer.alloc(12);
  constructor(key: Uint8Array) {
    this.key = createSecretKey(key);
  }

  get chunksOpened(): number {
    return this.counter;
  }

  private tryOpen(chunk: Uint8Array, last: boolean): Buffer | null {
    const d = createDecipheriv("chacha20-poly1305", this.key, chunkNonce(this.nonce, this.counter, last), {
      authTagLength: TAG_SIZE,
    });
    d.setAuthTag(chunk.subarray(chunk.byteLength - TAG_SIZE));
    const pt = d.update(chunk.subarray(0, chunk.byteLength - TAG_SIZE));
    try {
      d.final();
    } catch {
      return null;
    }
    return pt;
  }

  /**
   * Opens one chunk. `more` says whether any byte follows it. Mirrors the reference implementation: a
   * full chunk is tried as non-final, then as final; a short chunk only as final. Returns the plaintext
   * and whether the chunk was the final one; throws SEAL_PAYLOAD_INVALID when neither verifies.
   */
  open(chunk: Uint8Array, more: boolean): { plaintext: Buffer; last: boolean } {
    if (chunk.byteLength < TAG_SIZE) throw payloadError("truncated chunk");
    if (chunk.byteLength > ENC_CHUNK_SIZE) throw new SigrunError("INTERNAL", "age payload: oversized chunk");
    const full = chunk.byteLength === ENC_CHUNK_SIZE;
    if (!full && more) throw new SigrunError("INTERNAL", "age payload: short chunk in the middle");
    if (!full && chunk.byteLength === TAG_SIZE && this.counter !== 0)
      throw payloadError("final chunk is empty");
    let last = !full;
    let pt = this.tryOpen(chunk, last);
    if (pt === null && full) {
      last = true;
      pt = this.tryOpen(chunk, true);
    }
    if (pt === null) throw payloadError("chunk failed to authenticate (tampered, truncated or reordered)");
    this.counter++;
    return { plaintext: pt, last };
  }
}

export function payloadError(msg: string): SigrunError {
  return new SigrunError("SEAL_PAYLOAD_INVALID", `age payload: ${msg}`);
}
