// DSSE envelopes signed by a host's receipt key: the key offer and the sealed-job receipt (the receipt
// uses the agent's envelope encoding: canonical JSON plus a newline, docs/spec/receipt.md).
import { pae } from "../bundle/index.js";
import { canonicalJson, type ErrorCode, fromBase64, SigrunError, toBase64 } from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";

export interface Envelope {
  readonly payloadType: string;
  readonly payload: string;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}

export async function signDsse(payloadType: string, payload: Uint8Array, signer: Signer): Promise<Envelope> {
  const sig = await signer.sign(pae(payloadType, payload));
  return {
    payloadType,
    payload: toBase64(payload),
    signatures: [{ keyid: signer.publicKey.keyId, sig: toBase64(sig) }],
  };
}

export function encodeDsse(env: Envelope): Uint8Array {
  return Buffer.from(`${canonicalJson(env)}\n`);
}

/** Checks the envelope's shape and payload type and a signature by `key`; returns the payload bytes. */
export function openDsse(
  env: unknown,
  payloadType: string,
  key: PublicKeyInfo,
  code: ErrorCode,
  what: string,
): Uint8Array {
  const bad = (why: string) => new SigrunError(code, `${what}: ${why}`);
  const e = env as Envelope;
  if (typeof e !== "object" || e === null || Array.isArray(e)) throw bad("expected an envelope object");
  if (Object.keys(e).sort().join(",") !== "payload,payloadType,signatures") throw bad("bad envelope keys");
  if (e.payloadType !== payloadType) throw bad(`payloadType: expected ${payloadType}`);
  if (typeof e.payload !== "string" || !Array.isArray(e.signatures) || e.signatures.length > 8)
    throw bad("bad envelope fields");
  let payload: Uint8Array;
  let sig: Uint8Array;
  const s = e.signatures.find((x) => x?.keyid === key.keyId);
  if (!s) throw bad(`not signed by the pinned key ${key.keyId}`);
  try {
    payload = fromBase64(e.payload, "payload");
    sig = fromBase64(String(s.sig), "sig");
  } catch {
    throw bad("not base64");
  }
  if (!rawVerify(key.algorithm, key.keyObject, pae(payloadType, payload), sig))
    throw bad(`signature does not verify with the pinned key ${key.keyId}`);
  return payload;
}
