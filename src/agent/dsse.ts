import {
  canonicalJson,
  type DsseEnvelope,
  fromBase64,
  pae,
  parseEnvelope,
  SigrunError,
  toBase64,
  utf8Encode,
} from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";

/** A receipt is a DSSE envelope (docs/spec/receipt.md). */
export type ReceiptEnvelope = DsseEnvelope;

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

/**
 * Parses a receipt envelope with the one strict DSSE codec (src/core/dsse.ts): canonical JSON exactly as
 * `encodeReceiptEnvelope` writes it (one final newline allowed), exact fields, `sha256:` key ids,
 * canonical base64, 1–8 signatures, a size cap.
 */
export function parseReceiptEnvelope(bytes: Uint8Array): ReceiptEnvelope {
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) throw bad(`larger than ${MAX_ENVELOPE_BYTES} bytes`);
  const body = bytes.byteLength > 0 && bytes[bytes.byteLength - 1] === 0x0a ? bytes.subarray(0, -1) : bytes;
  return parseEnvelope(body, {
    maxBytes: MAX_ENVELOPE_BYTES,
    minSignatures: 1,
    maxSignatures: 8,
    code: "RECEIPT_INVALID",
    what: "receipt envelope",
  });
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
