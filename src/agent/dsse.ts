import { pae } from "../bundle/index.js";
import { canonicalJson, fromBase64, SigrunError, toBase64, utf8Decode, utf8Encode } from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";

export interface ReceiptEnvelope {
  readonly payloadType: string;
  readonly payload: string;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}

const MAX_ENVELOPE_BYTES = 1024 * 1024;

/** Signs `payload` into a one-signature DSSE envelope. */
export async function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  signer: Signer,
): Promise<ReceiptEnvelope> {
  const sig = await signer.sign(pae(payloadType, payload));
  return {
    payloadType,
    payload: toBase64(payload),
    signatures: [{ keyid: signer.publicKey.keyId, sig: toBase64(sig) }],
  };
}

export function encodeReceiptEnvelope(env: ReceiptEnvelope): Uint8Array {
  return utf8Encode(`${canonicalJson(env)}\n`);
}

function bad(why: string): SigrunError {
  return new SigrunError("RECEIPT_INVALID", `receipt envelope: ${why}`);
}

/** Parses an envelope (JSON, trailing whitespace allowed) with exact fields and a size cap. */
export function parseReceiptEnvelope(bytes: Uint8Array): ReceiptEnvelope {
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) throw bad(`larger than ${MAX_ENVELOPE_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(bytes, "receipt"));
  } catch {
    throw bad("not json");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("expected an object");
  const e = v as Record<string, unknown>;
  if (Object.keys(e).sort().join(",") !== "payload,payloadType,signatures")
    throw bad("expected exactly payloadType, payload, signatures");
  if (typeof e.payloadType !== "string" || typeof e.payload !== "string")
    throw bad("payloadType and payload: expected strings");
  if (!Array.isArray(e.signatures) || e.signatures.length < 1 || e.signatures.length > 8)
    throw bad("signatures: expected 1..8");
  for (const s of e.signatures as unknown[]) {
    if (typeof s !== "object" || s === null) throw bad("signature: expected an object");
    const o = s as Record<string, unknown>;
    if (typeof o.keyid !== "string" || typeof o.sig !== "string")
      throw bad("signature: expected keyid and sig strings");
  }
  return e as unknown as ReceiptEnvelope;
}

/** Verifies that `hostPub` signed the envelope; returns the payload bytes. */
export function verifyEnvelope(env: ReceiptEnvelope, hostPub: PublicKeyInfo): Uint8Array {
  let payload: Uint8Array;
  try {
    payload = fromBase64(env.payload, "payload");
  } catch {
    throw bad("payload: not base64");
  }
  const message = pae(env.payloadType, payload);
  for (const s of env.signatures) {
    if (s.keyid !== hostPub.keyId) continue;
    let sig: Uint8Array;
    try {
      sig = fromBase64(s.sig, "sig");
    } catch {
      throw bad("sig: not base64");
    }
    if (rawVerify(hostPub.algorithm, hostPub.keyObject, message, sig)) return payload;
    throw new SigrunError("RECEIPT_INVALID", `receipt signature by ${s.keyid} does not verify`);
  }
  throw new SigrunError("RECEIPT_INVALID", `receipt: no signature by the host key ${hostPub.keyId}`);
}
