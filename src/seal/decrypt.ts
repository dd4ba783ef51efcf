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

/**
 * A Transform that opens an age v1 file (binary or armored, detected like `age -d`) with the given
 * identities and emits the plaintext. Each 64 KiB chunk is released only after its tag verifies; the
 * stream fails with SEAL_PAYLOAD_INVALID on tampering, truncation, or data after the final chunk. A
 * consumer that must not keep unauthenticated output writes to a temporary file and renames it only
 * when the stream ends without error (see `unseal`).
 */
export function createUnsealStream(identities: readonly SealIdentity[]): Transform {
  const ids = [...identities];
  let stage: Stage = "sniff";
  let armor: ArmorDecoder | null = null;
  let buf: Buffer = Buffer.alloc(0);
  let fileKey: Uint8Array | null = null;
  let opener: StreamOpener | null = null;

  // Payload bytes held back (less than a chunk, or a whole chunk that may be the final one).
  let parts: Buffer[] = [];
  let held = 0;

  /**
   * Opens every chunk that is known not to be the last one (more bytes follow it), holding the rest; at
   * the end, opens what is held as the final chunk. Authenticated plaintext is pushed even when a later
   * chunk fails (the error follows it), as age does.
   */
  const payload = (t: Transform, data: Buffer, final: boolean): void => {
    const out: Buffer[] = [];
    const step = (chunk: Buffer, more: boolean): void => {
      const { plaintext, last } = opener!.open(chunk, more);
      out.push(plaintext);
      if (last && more) throw payloadError("data after the final chunk");
      if (last) stage = "done";
      else if (!more) throw payloadError("missing final chunk (truncated)");
    };
    let failure: unknown = null;
    try {
      let off = 0;
      if (held > 0 && data.byteLength > 0) {
        const need = ENC_CHUNK_SIZE - held;
        if (data.byteLength <= need) {
          parts.push(data);
          held += data.byteLength;
          off = data.byteLength;
        } else {
          const chunk = Buffer.concat([...parts, data.subarray(0, need)]);
          parts = [];
          held = 0;
          off = need;
          step(chunk, true);
        }
      }
      while (data.byteLength - off > ENC_CHUNK_SIZE) {
        step(data.subarray(off, off + ENC_CHUNK_SIZE), true);
        off += ENC_CHUNK_SIZE;
      }
      if (off < data.byteLength) {
        parts.push(Buffer.from(data.subarray(off)));
        held += data.byteLength - off;
      }
      if (final) {
        if (held === 0) throw payloadError(opener!.chunksOpened === 0 ? "no chunks" : "missing final chunk");
        const chunk = Buffer.concat(parts);
        parts = [];
        held = 0;
        step(chunk, false);
      }
    } catch (err) {
      failure = err;
    }
    for (const p of out) t.push(p);
    if (failure) throw failure;
  };

  /** Moves `buf` forward through the stages; `final` when the input has ended. */
  const advance = async (t: Transform, final: boolean): Promise<void> => {
    if (stage === "header") {
      const h = parseHeader(buf, final);
      if (h === null) return;
      fileKey = await unwrapHeader(h, ids);
      buf = buf.subarray(h.length);
      stage = "nonce";
    }
    if (stage === "nonce") {
      if (buf.byteLength < PAYLOAD_NONCE_SIZE) {
        if (final) throw new SigrunError("SEAL_MALFORMED", "age payload: missing or short nonce");
        return;
      }
      opener = new StreamOpener(payloadKey(fileKey!, buf.subarray(0, PAYLOAD_NONCE_SIZE)));
      fileKey!.fill(0);
      fileKey = null;
      const rest = buf.subarray(PAYLOAD_NONCE_SIZE);
      buf = Buffer.alloc(0);
      stage = "payload";
      payload(t, rest, final);
    }
  };

  const feed = async (t: Transform, chunk: Buffer | null): Promise<void> => {
    const final = chunk === null;
    let data: Buffer = chunk ?? Buffer.alloc(0);
    if (stage === "sniff") {
      buf = buf.byteLength ? Buffer.concat([buf, data]) : data;
      if (!final && !sniffDecided(buf)) return;
      if (looksArmored(buf)) armor = new ArmorDecoder();
      data = buf;
      buf = Buffer.alloc(0);
      stage = "header";
    }
    if (armor) {
      data = armor.update(data);
      if (final) data = Buffer.concat([data, armor.final()]);
    }
    if (stage === "done") {
      if (data.byteLength > 0) throw payloadError("data after the final chunk");
      return;
    }
    if (stage === "payload") {
      payload(t, data, final);
      return;
    }
    buf = buf.byteLength ? Buffer.concat([buf, data]) : data;
    await advance(t, final);
  };

  return new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
      feed(this, chunk).then(
        () => callback(),
        (err: Error) => callback(err),
      );
    },
    flush(callback: TransformCallback): void {
      feed(this, null).then(
        () => (stage === "done" ? callback() : callback(payloadError("truncated"))),
        (err: Error) => callback(err),
      );
    },
  });
}
