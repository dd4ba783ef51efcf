import { canonicalJson, fromBase64, SigrunError, toBase64, utf8Decode } from "../core/index.js";

/** DSSE payload type of a sigrun manifest. */
export const MANIFEST_PAYLOAD_TYPE = "application/vnd.sigrun.manifest+json";

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

export function encodeEnvelope(env: DsseEnvelope): Uint8Array {
  return new TextEncoder().encode(canonicalJson(env));
}

function bad(message: string): SigrunError {
  return new SigrunError("BUNDLE_MALFORMED", `signature envelope: ${message}`);
}

/** Parses a DSSE envelope strictly (canonical JSON, known keys, canonical base64, bounded). */
export function parseEnvelope(bytes: Uint8Array, maxBytes: number, maxSignatures: number): DsseEnvelope {
  if (bytes.byteLength > maxBytes) throw bad(`larger than ${maxBytes} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(bytes, "signature envelope"));
  } catch (err) {
    throw new SigrunError("BUNDLE_MALFORMED", "signature envelope: not valid JSON", { cause: err });
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("expected an object");
  const e = v as Record<string, unknown>;
  const keys = Object.keys(e).sort().join(",");
  if (keys !== "payload,payloadType,signatures")
    throw bad("expected exactly payloadType, payload, signatures");
  if (typeof e.payloadType !== "string" || typeof e.payload !== "string")
    throw bad("payloadType and payload must be strings");
  if (!Array.isArray(e.signatures) || e.signatures.length > maxSignatures)
    throw bad(`signatures: at most ${maxSignatures}`);
  for (const s of e.signatures as unknown[]) {
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw bad("signatures: expected objects");
    const sig = s as Record<string, unknown>;
    if (Object.keys(sig).sort().join(",") !== "keyid,sig")
      throw bad("signature: expected exactly keyid and sig");
    if (typeof sig.keyid !== "string" || !/^sha256:[0-9a-f]{64}$/.test(sig.keyid))
      throw bad("signature: bad keyid");
    if (typeof sig.sig !== "string" || sig.sig.length === 0 || sig.sig.length > 2048)
      throw bad("signature: bad sig");
    try {
      fromBase64(sig.sig, "sig");
    } catch (err) {
      throw new SigrunError("BUNDLE_MALFORMED", "signature envelope: sig is not canonical base64", {
        cause: err,
      });
    }
  }
  try {
    fromBase64(e.payload, "payload");
  } catch (err) {
    throw new SigrunError("BUNDLE_MALFORMED", "signature envelope: payload is not canonical base64", {
      cause: err,
    });
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
