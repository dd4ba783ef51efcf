import { bech32 } from "@scure/base";
import { SigrunError } from "../core/index.js";

const RAW_B64_RE = /^[A-Za-z0-9+/]*$/;

/** age's base64: standard alphabet, no padding, canonical (RFC 4648 §3.5); anything else is rejected. */
export function decodeRawBase64(text: string, field: string): Uint8Array {
  if (!RAW_B64_RE.test(text) || text.length % 4 === 1)
    throw new SigrunError("SEAL_MALFORMED", `${field}: expected unpadded base64`);
  const out = Buffer.from(text, "base64");
  if (out.toString("base64").replace(/=+$/, "") !== text)
    throw new SigrunError("SEAL_MALFORMED", `${field}: non-canonical base64`);
  return new Uint8Array(out);
}

export function encodeRawBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64").replace(/=+$/, "");
}

/** Bech32 (BIP 173, no length limit) decode with an expected human-readable part (case-insensitive). */
export function decodeBech32(text: string, hrp: string, field: string): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(text as `${string}1${string}`, false);
  } catch (err) {
    throw new SigrunError("KEY_INVALID", `${field}: invalid bech32 encoding`, { cause: err });
  }
  if (decoded.prefix !== hrp.toLowerCase())
    throw new SigrunError("KEY_INVALID", `${field}: expected prefix ${hrp}, got ${decoded.prefix}`);
  try {
    return bech32.fromWords(decoded.words);
  } catch (err) {
    throw new SigrunError("KEY_INVALID", `${field}: invalid bech32 payload`, { cause: err });
  }
}

export function encodeBech32(hrp: string, data: Uint8Array, upper = false): string {
  const s = bech32.encode(hrp.toLowerCase(), bech32.toWords(data), false);
  return upper ? s.toUpperCase() : s;
}
