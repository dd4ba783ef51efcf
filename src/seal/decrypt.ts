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

  const payload = (t: Transform, final: boolean): void => {
    const out: Buffer[] = [];
    let off = 0;
    let failure: unknown = null;
    for (;;) {
      const avail = buf.byteLength - off;
      let size: number;
      if (avail > ENC_CHUNK_SIZE) size = ENC_CHUNK_SIZE;
      else if (final && avail > 0) size = avail;
      else {
        if (final) failure = payloadError("no chunks");
        break;
      }
      const more = avail > size;
      try {
        const { plaintext, last } = opener!.open(buf.subarray(off, off + size), more);
        out.push(plaintext);
        off += size;
        if (last && more) failure = payloadError("data after the final chunk");
        else if (last) stage = "done";
        else if (!more) failure = payloadError("missing final chunk (truncated)");
        if (last || !more) break;
      } catch (err) {
        failure = err;
        break;
      }
    }
    buf = off === 0 ? buf : off === buf.byteLength ? Buffer.alloc(0) : Buffer.from(buf.subarray(off));
    if (out.length) t.push(out.length === 1 ? out[0] : Buffer.concat(out));
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
      buf = buf.subarray(PAYLOAD_NONCE_SIZE);
      stage = "payload";
    }
    if (stage === "payload") payload(t, final);
    else if (stage === "done" && buf.byteLength > 0) throw payloadError("data after the final chunk");
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
