import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from "node:crypto";
import type { KeyAlgorithm } from "./types.js";

/** The hash `node:crypto` is given: null (pure) for Ed25519, SHA-256 for ECDSA and RSA. */
export function hashFor(algorithm: KeyAlgorithm): string | null {
  return algorithm === "ed25519" ? null : "sha256";
}

/** Signs in the raw form: Ed25519 64 bytes, ECDSA DER, RSA PKCS#1 v1.5 over SHA-256. */
export function rawSign(algorithm: KeyAlgorithm, key: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(cryptoSign(hashFor(algorithm), message, key));
}

/** Verifies a raw signature; never throws for a bad signature, returns false. */
export function rawVerify(
  algorithm: KeyAlgorithm,
  key: KeyObject,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return cryptoVerify(hashFor(algorithm), message, key, signature);
  } catch {
    return false;
  }
}
