import { Transform, type TransformCallback } from "node:stream";
import { bytesEqual, SigrunError } from "../core/index.js";
import { ARMOR_BEGIN, ARMOR_SNIFF_BYTES, ArmorDecoder, looksArmored } from "./armor.js";
import { headerMac, type ParsedHeader, parseHeader } from "./header.js";
import { ENC_CHUNK_SIZE, PAYLOAD_NONCE_SIZE, payloadError, payloadKey, StreamOpener } from "./stream.js";
import type { SealIdentity } from "./types.js";

/** Finds the file key: the first identity that recognises a stanza wins; then the header MAC is checked. */
export async function unwrapHeader(
  header: ParsedHeader,
  identities: readonly SealIdentity[],
): Promise<Uint8Array> {
  if (identities.length === 0) throw new SigrunError("USAGE", "unseal: at least one identity is required");
  if (header.stanzas.some((s) => s.type === "scrypt") && header.stanzas.length > 1)
    throw new SigrunError("SEAL_MALFORMED", "age header: an scrypt stanza must be the only stanza");
  let fileKey: Uint8Array | null = null;
  for (const id of identities) {
    try {
      fileKey = await id.unwrapFileKey(header.stanzas);
    } catch (err) {
      if (err instanceof SigrunError) throw err;
      throw new SigrunError("SEAL_MALFORMED", `age header: ${(err as Error).message}`, { cause: err });
    }
    if (fileKey !== null) break;
  }
  if (fileKey === null) {
    const types = [...new Set(header.stanzas.map((s) => s.type))].join(", ");
    throw new SigrunError(
      "SEAL_NO_IDENTITY",
      `no identity matched any recipient stanza (stanza types: ${types})`,
    );
  }
  if (!bytesEqual(headerMac(fileKey, header.macInput), header.mac))
    throw new SigrunError("SEAL_HEADER_MAC", "age header: mac does not verify (header tampered with)");
  return fileKey;
}

type Stage = "sniff" | "header" | "nonce" | "payload" | "done";

/** Enough bytes seen to tell armored from binary: the first non-whitespace byte plus a BEGIN line. */
function sniffDecided(buf: Buffer): boolean {
  if (buf.byteLength >= ARMOR_SNIFF_BYTES) return true;
  const text = buf.toString("latin1");
  const i = text.search(/[^\t\n\v\f\r ]/);
  return i >= 0 && buf.byteLength - i >= ARMOR_BEGIN.length;
}

const EMPTY = Buffer.alloc(0);

/**
 * Opens one age v1 file (binary or armored, detected like `age -d`) from ciphertext pieces of any size.
 * Each 64 KiB chunk is released to the caller's array only after its tag verifies; a failure throws
 * SEAL_PAYLOAD_INVALID after the plaintext of the chunks that did verify is in the array (age writes
 * it too). The tail of a piece (less than a chunk, or a whole chunk that may be the final one) is copied
 * into a buffer of the engine's own, so the caller may reuse its input buffer once `push` returns.
 * `push` is asynchronous only until the header is read (identities may be); then it returns undefined.
 */
export class UnsealEngine {
  private stage: Stage = "sniff";
  private armor: ArmorDecoder | null = null;
  private buf: Buffer = EMPTY;
  private fileKey: Uint8Array | null = null;
  private opener: StreamOpener | null = null;
  private readonly hold = Buffer.allocUnsafe(ENC_CHUNK_SIZE);
  private held = 0;
  private readonly ids: readonly SealIdentity[];

  constructor(identities: readonly SealIdentity[]) {
    this.ids = [...identities];
  }

  /** Opens every chunk known not to be the last one, appending plaintext to `out`. */
  push(data: Uint8Array, out: Buffer[]): Promise<void> | undefined {
    if (this.stage === "payload" && this.armor === null) {
      this.payload(data, false, out);
      return undefined;
    }
    return this.feed(data, false, out);
  }

  /** The input has ended: opens the held tail as the final chunk; fails if the file is incomplete. */
  async end(out: Buffer[]): Promise<void> {
    await this.feed(EMPTY, true, out);
    if (this.stage !== "done") throw payloadError("truncated");
  }

  private async feed(input: Uint8Array, final: boolean, out: Buffer[]): Promise<void> {
    let data = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.stage === "sniff") {
      this.buf = Buffer.concat([this.buf, data]); // a copy: the caller may reuse `input`
      if (!final && !sniffDecided(this.buf)) return;
      if (looksArmored(this.buf)) this.armor = new ArmorDecoder();
      data = this.buf;
      this.buf = EMPTY;
      this.stage = "header";
    }
    if (this.armor) {
      data = this.armor.update(data);
      if (final) data = Buffer.concat([data, this.armor.final()]);
    }
    if (this.stage === "done") {
      if (data.byteLength > 0) throw payloadError("data after the final chunk");
      return;
    }
    if (this.stage === "payload") {
      this.payload(data, final, out);
      return;
    }
    this.buf = Buffer.concat([this.buf, data]);
    if (this.stage === "header") {
      const h = parseHeader(this.buf, final);
      if (h === null) return;
      this.fileKey = await unwrapHeader(h, this.ids);
      this.buf = this.buf.subarray(h.length);
      this.stage = "nonce";
    }
    if (this.buf.byteLength < PAYLOAD_NONCE_SIZE) {
      if (final) throw new SigrunError("SEAL_MALFORMED", "age payload: missing or short nonce");
      return;
    }
    this.opener = new StreamOpener(payloadKey(this.fileKey!, this.buf.subarray(0, PAYLOAD_NONCE_SIZE)));
    this.fileKey!.fill(0);
    this.fileKey = null;
    const rest = this.buf.subarray(PAYLOAD_NONCE_SIZE);
    this.buf = EMPTY;
    this.stage = "payload";
    this.payload(rest, final, out);
  }

  private step(chunk: Buffer, more: boolean, out: Buffer[]): void {
    const { plaintext, last } = this.opener!.open(chunk, more);
    out.push(plaintext);
    if (last && more) throw payloadError("data after the final chunk");
    if (last) this.stage = "done";
    else if (!more) throw payloadError("missing final chunk (truncated)");
  }

  /** Opens the chunks `data` completes that more bytes follow; at the end, the held tail as the final one. */
  private payload(data: Uint8Array, final: boolean, out: Buffer[]): void {
    const len = data.byteLength;
    let off = 0;
    if (this.held > 0) {
      off = Math.min(ENC_CHUNK_SIZE - this.held, len);
      this.hold.set(data.subarray(0, off), this.held);
      this.held += off;
      if (this.held === ENC_CHUNK_SIZE && off < len) {
        this.held = 0;
        this.step(this.hold, true, out);
      }
    }
    while (len - off > ENC_CHUNK_SIZE) {
      this.step(Buffer.from(data.buffer, data.byteOffset + off, ENC_CHUNK_SIZE), true, out);
      off += ENC_CHUNK_SIZE;
    }
    if (off < len) {
      this.hold.set(data.subarray(off), this.held);
      this.held += len - off;
    }
    if (!final) return;
    if (this.held === 0)
      throw payloadError(this.opener!.chunksOpened === 0 ? "no chunks" : "missing final chunk");
    const n = this.held;
    this.held = 0;
    this.step(this.hold.subarray(0, n), false, out);
  }
}

/**
 * A Transform over an `UnsealEngine`. A consumer that must not keep unauthenticated output writes to a
 * temporary file and renames it only when the stream ends without error (see `unseal`).
 */
export function createUnsealStream(identities: readonly SealIdentity[]): Transform {
  const engine = new UnsealEngine(identities);
  const settle = (t: Transform, out: Buffer[], callback: TransformCallback) => (err?: unknown) => {
    for (const p of out) t.push(p);
    callback(err as Error | undefined);
  };
  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
      const out: Buffer[] = [];
      const done = settle(this, out, callback);
      let pending: Promise<void> | undefined;
      try {
        pending = engine.push(chunk, out);
      } catch (err) {
        done(err);
        return;
      }
      if (pending) pending.then(() => done(), done);
      else done();
    },
    flush(callback: TransformCallback): void {
      const out: Buffer[] = [];
      const done = settle(this, out, callback);
      engine.end(out).then(() => done(), done);
    },
  });
}
