import { createHmac } from "node:crypto";
import {
  bytesEqual,
  type DsseEnvelope,
  encodeEnvelope,
  envelopePayload,
  fromBase64,
  pae,
  parseEnvelope,
  SigrunError,
  sha256Hex,
  toBase64,
} from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";
import { CAPS } from "./formats.js";

/**
 * DSSE envelopes of the build-gated formats: exactly one signature, made with an asymmetric key (build
 * key, approver key) over the PAE bytes, or — MAC variant — an HMAC-SHA256 keyed with the build nonce
 * over the same PAE bytes (docs/spec/build-attestation.md §2).
 */
export async function signDsse(
  payloadType: string,
  payload: Uint8Array,
  signer: Signer,
): Promise<DsseEnvelope> {
  const sig = await signer.sign(pae(payloadType, payload));
  return {
    payloadType,
    payload: toBase64(payload),
    signatures: [{ keyid: signer.publicKey.keyId, sig: toBase64(sig) }],
  };
}

/** The key id of a build nonce: `sha256:` + hex SHA-256(nonce); also the approval's commitment. */
export function nonceKeyId(nonce: Uint8Array): string {
  return `sha256:${sha256Hex(nonce)}`;
}

function hmac(nonce: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", nonce).update(message).digest());
}

export function macDsse(payloadType: string, payload: Uint8Array, nonce: Uint8Array): DsseEnvelope {
  return {
    payloadType,
    payload: toBase64(payload),
    signatures: [{ keyid: nonceKeyId(nonce), sig: toBase64(hmac(nonce, pae(payloadType, payload))) }],
  };
}

/** Parses one envelope strictly (exactly one signature); failures are ATTESTATION_INVALID. */
export function parseOneEnvelope(bytes: Uint8Array, what: string): DsseEnvelope {
  return parseEnvelope(bytes, {
    maxBytes: CAPS.maxEnvelopeBytes,
    minSignatures: 1,
    maxSignatures: 1,
    code: "ATTESTATION_INVALID",
    what,
  });
}

export function envelopeBytes(env: DsseEnvelope): Uint8Array {
  return encodeEnvelope(env);
}

function expectType(env: DsseEnvelope, payloadType: string, what: string): void {
  if (env.payloadType !== payloadType)
    throw new SigrunError(
      "ATTESTATION_INVALID",
      `${what}: payloadType: expected ${payloadType}, got ${env.payloadType.slice(0, 80)}`,
    );
}

/**
 * Verifies that `pub` signed the envelope; returns the payload. A signature by another key id is
 * SIGNER_UNTRUSTED, a bad signature by the expected key SIGNATURE_INVALID.
 */
export function verifyDsseSignature(
  env: DsseEnvelope,
  payloadType: string,
  pub: PublicKeyInfo,
  what: string,
): Uint8Array {
  expectType(env, payloadType, what);
  const s = env.signatures[0]!;
  if (s.keyid !== pub.keyId)
    throw new SigrunError("SIGNER_UNTRUSTED", `${what}: signed by ${s.keyid}, expected ${pub.keyId}`);
  const payload = envelopePayload(env);
  if (!rawVerify(pub.algorithm, pub.keyObject, pae(env.payloadType, payload), fromBase64(s.sig, "sig")))
    throw new SigrunError("SIGNATURE_INVALID", `${what}: signature by ${s.keyid} does not verify`);
  return payload;
}

/** Verifies the HMAC-SHA256 of the envelope with `nonce`; returns the payload. */
export function verifyDsseMac(
  env: DsseEnvelope,
  payloadType: string,
  nonce: Uint8Array,
  what: string,
): Uint8Array {
  expectType(env, payloadType, what);
  const s = env.signatures[0]!;
  if (s.keyid !== nonceKeyId(nonce))
    throw new SigrunError(
      "SIGNER_UNTRUSTED",
      `${what}: made with nonce ${s.keyid}, expected ${nonceKeyId(nonce)}`,
    );
  const payload = envelopePayload(env);
  if (!bytesEqual(hmac(nonce, pae(env.payloadType, payload)), fromBase64(s.sig, "sig")))
    throw new SigrunError("SIGNATURE_INVALID", `${what}: MAC does not verify with the build nonce`);
  return payload;
}

export const hexDigest = (data: Uint8Array): string => sha256Hex(data);
