import { timingSafeEqual } from "node:crypto";
import { SigrunError } from "./errors.js";

const HEX_RE = /^(?:[0-9a-f]{2})*$/;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Strict lower-case hex decode. */
export function fromHex(text: string, field = "hex"): Uint8Array {
  if (!HEX_RE.test(text)) throw new SigrunError("INPUT_INVALID", `${field}: expected lower-case hex`);
  return new Uint8Array(Buffer.from(text, "hex"));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Strict, canonical, padded base64 decode (rejects non-zero padding bits). */
export function fromBase64(text: string, field = "base64"): Uint8Array {
  if (!B64_RE.test(text)) throw new SigrunError("INPUT_INVALID", `${field}: expected canonical base64`);
  const out = Buffer.from(text, "base64");
  if (out.toString("base64") !== text)
    throw new SigrunError("INPUT_INVALID", `${field}: non-canonical base64`);
  return new Uint8Array(out);
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** Strict, canonical, unpadded base64url decode. */
export function fromBase64Url(text: string, field = "base64url"): Uint8Array {
  if (!B64URL_RE.test(text) || text.length % 4 === 1) {
    throw new SigrunError("INPUT_INVALID", `${field}: expected unpadded base64url`);
  }
  const out = Buffer.from(text, "base64url");
  if (out.toString("base64url") !== text)
    throw new SigrunError("INPUT_INVALID", `${field}: non-canonical base64url`);
  return new Uint8Array(out);
}

const decoder = () => new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decode: invalid sequences are an error, never replaced. */
export function utf8Decode(bytes: Uint8Array, field = "text"): string {
  try {
    return decoder().decode(bytes);
  } catch (err) {
    throw new SigrunError("INPUT_INVALID", `${field}: invalid utf-8`, { cause: err });
  }
}

export function utf8Encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/** Constant-time equality for equal-length inputs; false for different lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return timingSafeEqual(a, b);
}
