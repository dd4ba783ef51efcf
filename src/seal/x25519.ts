import { randomBytes } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { decodeBech32, decodeRawBase64, encodeBech32, encodeRawBase64 } from "./encoding.js";
import type { Stanza } from "./header.js";
import { aeadOpenZeroNonce, aeadSealZeroNonce, hkdf, x25519, x25519Base } from "./primitives.js";
import type { SealIdentity, SealRecipient } from "./types.js";

const LABEL = "age-encryption.org/v1/X25519";
export const FILE_KEY_SIZE = 16;

/** `age1…` for a raw 32-byte X25519 public key. */
export function encodeAgeRecipient(publicKey: Uint8Array): string {
  return encodeBech32("age", publicKey);
}

/** `AGE-SECRET-KEY-1…` for a raw 32-byte X25519 secret key. */
export function encodeAgeIdentity(secretKey: Uint8Array): string {
  return encodeBech32("AGE-SECRET-KEY-", secretKey, true);
}

export function decodeAgeRecipient(text: string): Uint8Array {
  if (text !== text.toLowerCase()) throw new SigrunError("KEY_INVALID", "age recipient: must be lower case");
  const key = decodeBech32(text, "age", "age recipient");
  if (key.byteLength !== 32) throw new SigrunError("KEY_INVALID", "age recipient: expected 32 bytes");
  return key;
}

export function decodeAgeIdentity(text: string): Uint8Array {
  if (text !== text.toUpperCase()) throw new SigrunError("KEY_INVALID", "age identity: must be upper case");
  const key = decodeBech32(text, "AGE-SECRET-KEY-", "age identity");
  if (key.byteLength !== 32) throw new SigrunError("KEY_INVALID", "age identity: expected 32 bytes");
  return key;
}

/** An age X25519 recipient (age-encryption.org/v1, "The X25519 recipient type"). */
export function x25519Recipient(publicKey: Uint8Array): SealRecipient {
  if (publicKey.byteLength !== 32)
    throw new SigrunError("KEY_INVALID", "x25519 recipient: expected 32 bytes");
  const pk = new Uint8Array(publicKey);
  return {
    label: encodeAgeRecipient(pk),
    wrapFileKey(fileKey: Uint8Array): Stanza[] {
      const ephemeral = new Uint8Array(randomBytes(32));
      const share = x25519Base(ephemeral);
      const shared = x25519(ephemeral, pk);
      const salt = new Uint8Array(Buffer.concat([share, pk]));
      const wrapKey = hkdf(shared, salt, LABEL);
      return [{ type: "X25519", args: [encodeRawBase64(share)], body: aeadSealZeroNonce(wrapKey, fileKey) }];
    },
  };
}

/** Checks a wrapped file key's length before trying to open it (partitioning-oracle mitigation). */
export function openWrappedFileKey(wrapKey: Uint8Array, body: Uint8Array, what: string): Uint8Array | null {
  if (body.byteLength !== FILE_KEY_SIZE + 16)
    throw new SigrunError("SEAL_MALFORMED", `${what} stanza: wrapped file key is not 32 bytes`);
  return aeadOpenZeroNonce(wrapKey, body);
}

/** An age X25519 identity from a raw 32-byte secret key. */
export function x25519Identity(secretKey: Uint8Array): SealIdentity & { readonly recipient: string } {
  if (secretKey.byteLength !== 32) throw new SigrunError("KEY_INVALID", "x25519 identity: expected 32 bytes");
  const sk = new Uint8Array(secretKey);
  const ourPublic = x25519Base(sk);
  const recipient = encodeAgeRecipient(ourPublic);
  return {
    label: recipient,
    recipient,
    unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null {
      for (const s of stanzas) {
        if (s.type !== "X25519") continue;
        if (s.args.length !== 1)
          throw new SigrunError("SEAL_MALFORMED", "X25519 stanza: expected 1 argument");
        const share = decodeRawBase64(s.args[0]!, "X25519 share");
        if (share.byteLength !== 32)
          throw new SigrunError("SEAL_MALFORMED", "X25519 stanza: share is not 32 bytes");
        if (s.body.byteLength !== FILE_KEY_SIZE + 16)
          throw new SigrunError("SEAL_MALFORMED", "X25519 stanza: wrapped file key is not 32 bytes");
        const shared = x25519(sk, share);
        const salt = new Uint8Array(Buffer.concat([share, ourPublic]));
        const fileKey = openWrappedFileKey(hkdf(shared, salt, LABEL), s.body, "X25519");
        if (fileKey !== null) return fileKey;
      }
      return null;
    },
  };
}

/** A new X25519 identity in memory: the raw keys and their age encodings. */
export interface X25519KeyPair {
  /** `AGE-SECRET-KEY-1…` — keep secret. */
  readonly identity: string;
  /** `age1…` */
  readonly recipient: string;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function generateX25519KeyPair(): X25519KeyPair {
  const secretKey = new Uint8Array(randomBytes(32));
  const publicKey = x25519Base(secretKey);
  return {
    identity: encodeAgeIdentity(secretKey),
    recipient: encodeAgeRecipient(publicKey),
    secretKey,
    publicKey,
  };
}
