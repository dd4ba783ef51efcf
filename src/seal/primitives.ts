import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
} from "node:crypto";
import { SigrunError } from "../core/index.js";

// Thin wrappers over node:crypto for the primitives age-encryption.org/v1 names: X25519 (RFC 7748),
// HKDF-SHA-256 (RFC 5869), HMAC-SHA-256, ChaCha20-Poly1305 (RFC 7539). No construction of our own.

const X25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const X25519_SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
const ZERO_NONCE = Buffer.alloc(12);

/** A fresh 32-byte X25519 scalar from the CSPRNG. */
export function randomScalar(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

/** The raw RFC 7748 X25519 function: scalar × point (u-coordinate), both 32 bytes. */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  if (scalar.byteLength !== 32 || point.byteLength !== 32)
    throw new SigrunError("SEAL_MALFORMED", "x25519: expected 32-byte scalar and point");
  const privateKey = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8_PREFIX, scalar]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey({
    key: Buffer.concat([X25519_SPKI_PREFIX, point]),
    format: "der",
    type: "spki",
  });
  let out: Buffer;
  try {
    out = diffieHellman({ privateKey, publicKey });
  } catch (err) {
    // OpenSSL refuses an all-zero shared secret (low-order point); age requires aborting then.
    throw new SigrunError("SEAL_MALFORMED", "x25519: shared secret is all zero (low-order share)", {
      cause: err,
    });
  }
  if (out.every((b) => b === 0))
    throw new SigrunError("SEAL_MALFORMED", "x25519: shared secret is all zero (low-order share)");
  return new Uint8Array(out);
}

/** X25519(scalar, basepoint): the public key of a scalar. */
export function x25519Base(scalar: Uint8Array): Uint8Array {
  const basepoint = new Uint8Array(32);
  basepoint[0] = 9;
  return x25519(scalar, basepoint);
}

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", ikm, salt, Buffer.from(info, "latin1"), length));
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}

/** ChaCha20-Poly1305 with the all-zero nonce (age wraps each file key under a one-time key). */
export function aeadSealZeroNonce(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return new Uint8Array(out);
}

/** Opens a zero-nonce ChaCha20-Poly1305 box; `null` when the tag does not verify. */
export function aeadOpenZeroNonce(key: Uint8Array, box: Uint8Array): Uint8Array | null {
  if (box.byteLength < 16) return null;
  const d = createDecipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  d.setAuthTag(box.subarray(box.byteLength - 16));
  try {
    return new Uint8Array(Buffer.concat([d.update(box.subarray(0, box.byteLength - 16)), d.final()]));
  } catch {
    return null;
  }
}
