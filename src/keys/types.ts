import type { KeyObject } from "node:crypto";

/** Signature algorithms sigrun signs and verifies with. ECDSA and RSA always hash with SHA-256. */
export type KeyAlgorithm = "ed25519" | "p256" | "p384" | "rsa";

export interface PublicKeyInfo {
  readonly algorithm: KeyAlgorithm;
  readonly keyObject: KeyObject;
  /** DER of the SubjectPublicKeyInfo. */
  readonly spkiDer: Uint8Array;
  /** `sha256:` + hex of SHA-256(SPKI DER). */
  readonly keyId: string;
}

/**
 * Signs messages with one key. Signatures are in the "raw" form that `openssl dgst -sha256 -sign`
 * (ECDSA: DER; RSA: PKCS#1 v1.5) and `openssl pkeyutl -sign -rawin` (Ed25519: 64 bytes) produce.
 * Contract: resolves with a signature or rejects with a SigrunError (`KEY_INVALID`, `PKCS11_ERROR`).
 */
export interface Signer {
  readonly publicKey: PublicKeyInfo;
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** Releases backend resources (PKCS#11 session); absent or a no-op for file keys. */
  close?(): Promise<void>;
}
