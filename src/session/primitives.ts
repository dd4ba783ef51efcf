import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from "node:crypto";
import { concatBytes, SigrunError, utf8Encode } from "../core/index.js";

/** Thin wrappers over node:crypto used by the session layer. No primitive is invented here. */

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function sha512(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash("sha512");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}

/** HKDF-SHA256 (RFC 5869) extract-then-expand. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", ikm, salt, utf8Encode(info), length));
}

/** LEB128 length prefix, as CPace's prepend_len and lv_cat (draft-irtf-cfrg-cpace). */
export function prependLen(data: Uint8Array): Uint8Array {
  let length = data.byteLength;
  const prefix: number[] = [];
  for (;;) {
    if (length < 128) prefix.push(length);
    else prefix.push((length & 0x7f) + 0x80);
    length = Math.floor(length / 128);
    if (length === 0) break;
  }
  return concatBytes(Uint8Array.from(prefix), data);
}

export function lvCat(...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLen));
}

// ---- X25519 (RFC 7748) through node:crypto ------------------------------------------------------

const X25519_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
]);
const X25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

export interface X25519KeyPair {
  readonly privateKey: KeyObject;
  readonly publicRaw: Uint8Array;
}

export function x25519PublicRaw(key: KeyObject): Uint8Array {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== "x25519")
    throw new SigrunError("KEY_INVALID", `key agreement key: expected x25519, got ${pub.asymmetricKeyType}`);
  const der = new Uint8Array(pub.export({ format: "der", type: "spki" }));
  return der.slice(der.byteLength - 32);
}

export function x25519PublicFromRaw(raw: Uint8Array): KeyObject {
  if (raw.byteLength !== 32) throw new SigrunError("INPUT_INVALID", "x25519 public key: expected 32 bytes");
  return createPublicKey({
    key: Buffer.from(concatBytes(X25519_SPKI_PREFIX, raw)),
    format: "der",
    type: "spki",
  });
}

export function x25519PrivateFromRaw(raw: Uint8Array): KeyObject {
  if (raw.byteLength !== 32) throw new SigrunError("INPUT_INVALID", "x25519 private key: expected 32 bytes");
  return createPrivateKey({
    key: Buffer.from(concatBytes(X25519_PKCS8_PREFIX, raw)),
    format: "der",
    type: "pkcs8",
  });
}

export function x25519PrivateRaw(key: KeyObject): Uint8Array {
  const der = new Uint8Array(key.export({ format: "der", type: "pkcs8" }));
  return der.slice(der.byteLength - 32);
}

export function x25519Generate(): X25519KeyPair {
  const { privateKey } = generateKeyPairSync("x25519");
  return { privateKey, publicRaw: x25519PublicRaw(privateKey) };
}

/** X25519 shared secret; an all-zero output (low-order peer key) is a handshake failure. */
export function x25519(privateKey: KeyObject, peerPublicRaw: Uint8Array): Uint8Array {
  let out: Uint8Array;
  try {
    out = new Uint8Array(diffieHellman({ privateKey, publicKey: x25519PublicFromRaw(peerPublicRaw) }));
  } catch (err) {
    throw new SigrunError("HANDSHAKE_FAILED", "x25519: invalid peer public key", { cause: err });
  }
  if (out.every((b) => b === 0))
    throw new SigrunError("HANDSHAKE_FAILED", "x25519: low-order peer public key");
  return out;
}

// ---- ChaCha20-Poly1305 (RFC 8439) ---------------------------------------------------------------

export function chachaSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: plaintext.byteLength });
  const body = c.update(plaintext);
  c.final();
  return concatBytes(body, c.getAuthTag());
}

/** Returns undefined when authentication fails. */
export function chachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array,
): Uint8Array | undefined {
  if (ciphertext.byteLength < 16) return undefined;
  const d = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
  d.setAAD(aad, { plaintextLength: ciphertext.byteLength - 16 });
  d.setAuthTag(ciphertext.subarray(ciphertext.byteLength - 16));
  const body = d.update(ciphertext.subarray(0, ciphertext.byteLength - 16));
  try {
    d.final();
  } catch {
    return undefined;
  }
  return new Uint8Array(body);
}
