import { fromBase64, toBase64, utf8Decode, utf8Encode } from "./bytes.js";
import { canonicalJson } from "./canonical-json.js";
import type { ErrorCode } from "./error-codes.js";
import { SigrunError } from "./errors.js";

/**
 * DSSE v1 (https://github.com/secure-systems-lab/dsse): the pre-authentication encoding and a strict
 * envelope codec. Signing and verifying stay with the callers (they own the keys); this is the one copy of
 * the byte-level format in sigrun.
 */
export interface DsseSignature {
  readonly keyid: string;
  readonly sig: string;
}

export interface DsseEnvelope {
  readonly payloadType: string;
  readonly payload: string;
  readonly signatures: readonly DsseSignature[];
}

/** DSSE v1 pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.byteLength} ${payloadType} ${payload.byteLength} `, "utf8");
  return new Uint8Array(Buffer.concat([head, payload]));
}

/** The canonical JSON bytes of an envelope (no trailing newline). */
export function encodeEnvelope(env: DsseEnvelope): Uint8Array {
  return utf8Encode(canonicalJson(env));
}

export interface DsseParseOptions {
  readonly maxBytes: number;
  readonly maxSignatures: number;
  /** At least this many signatures (default 0). */
  readonly minSignatures?: number;
  /** Error code of every parse failure (each caller reports in its own domain). */
  readonly code: ErrorCode;
  /** Names the envelope in messages, e.g. "signature envelope". */
  readonly what: string;
  /** Longest accepted `sig` text (default 2048 base64 characters). */
  readonly maxSigChars?: number;
}

const KEYID_RE = /^sha256:[0-9a-f]{64}$/;

/**
 * Parses a DSSE envelope strictly: canonical JSON exactly as `encodeEnvelope` writes it, exactly the
 * known keys, `keyid` = `sha256:` + 64 hex, canonical base64, bounded sizes and counts.
 */
export function parseEnvelope(bytes: Uint8Array, o: DsseParseOptions): DsseEnvelope {
  const bad = (message: string, cause?: unknown) =>
    new SigrunError(o.code, `${o.what}: ${message}`, cause === undefined ? undefined : { cause });
  if (bytes.byteLength > o.maxBytes) throw bad(`larger than ${o.maxBytes} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(bytes, o.what));
  } catch (err) {
    throw bad("not valid JSON", err);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("expected an object");
  const e = v as Record<string, unknown>;
  const keys = Object.keys(e).sort().join(",");
  if (keys !== "payload,payloadType,signatures")
    throw bad("expected exactly payloadType, payload, signatures");
  if (typeof e.payloadType !== "string" || typeof e.payload !== "string")
    throw bad("payloadType and payload must be strings");
  if (
    !Array.isArray(e.signatures) ||
    e.signatures.length > o.maxSignatures ||
    e.signatures.length < (o.minSignatures ?? 0)
  )
    throw bad(`signatures: expected ${o.minSignatures ?? 0} to ${o.maxSignatures}`);
  const maxSig = o.maxSigChars ?? 2048;
  for (const s of e.signatures as unknown[]) {
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw bad("signatures: expected objects");
    const sig = s as Record<string, unknown>;
    if (Object.keys(sig).sort().join(",") !== "keyid,sig")
      throw bad("signature: expected exactly keyid and sig");
    if (typeof sig.keyid !== "string" || !KEYID_RE.test(sig.keyid)) throw bad("signature: bad keyid");
    if (typeof sig.sig !== "string" || sig.sig.length === 0 || sig.sig.length > maxSig)
      throw bad("signature: bad sig");
    try {
      fromBase64(sig.sig, "sig");
    } catch (err) {
      throw bad("sig is not canonical base64", err);
    }
  }
  try {
    fromBase64(e.payload, "payload");
  } catch (err) {
    throw bad("payload is not canonical base64", err);
  }
  const env = e as unknown as DsseEnvelope;
  if (Buffer.compare(encodeEnvelope(env), bytes) !== 0) throw bad("not in canonical JSON form");
  return env;
}

export function envelopePayload(env: DsseEnvelope): Uint8Array {
  return fromBase64(env.payload, "payload");
}

export function newEnvelope(payloadType: string, payload: Uint8Array): DsseEnvelope {
  return { payloadType, payload: toBase64(payload), signatures: [] };
}
