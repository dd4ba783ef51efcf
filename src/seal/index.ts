/**
 * sigrun/seal — the age v1 file format (age-encryption.org/v1, c2sp.org/age), interoperable with the
 * `age` CLI, with a fast streaming payload on node:crypto's ChaCha20-Poly1305.
 *
 * Recipients: age X25519 (`age1…`), sigrun X25519 public keys (PEM SPKI), `ssh-ed25519` public keys,
 * passphrases (scrypt). Identities: age identity files (`AGE-SECRET-KEY-1…`), sigrun X25519 private keys
 * (PKCS#8 PEM), OpenSSH ed25519 private keys, passphrases.
 *
 * Errors are `SigrunError`s with codes: SEAL_MALFORMED (header or armor does not parse, malformed
 * stanza, low-order share), SEAL_NO_IDENTITY (no identity opens any stanza), SEAL_HEADER_MAC (header
 * tampered with), SEAL_PAYLOAD_INVALID (a chunk fails to verify: tampered, truncated, extended),
 * KEY_INVALID / KEY_UNSUPPORTED (bad key text), IO_ERROR.
 *
 * @example
 * ```ts
 * import { generateX25519KeyPair, parseRecipient, parseIdentityFile, seal, unseal } from "sigrun/seal";
 * const kp = generateX25519KeyPair();
 * await seal("data.bin", "data.bin.age", [parseRecipient(kp.recipient)]);
 * await unseal("data.bin.age", "data.out", parseIdentityFile(Buffer.from(kp.identity)));
 * ```
 */

// The atomic output writer lives in core (the store uses it too); re-exported for callers of seal.
export { type AtomicFile, type AtomicFileOptions, openAtomicFile, writeFileAtomic } from "../core/index.js";
export { ARMOR_BEGIN, ARMOR_END } from "./armor.js";
export { minorGcEvery } from "./bounded-memory.js";
export { createUnsealStream, UnsealEngine, unwrapHeader } from "./decrypt.js";
export { buildHeader, createSealStream, SealEngine, type SealOptions } from "./encrypt.js";
export {
  type SealInput,
  type SealOutput,
  type StreamIoOptions,
  type StreamResult,
  seal,
  sealBytes,
  type UnsealOptions,
  unseal,
  unsealBytes,
} from "./files.js";
export { INTRO, MAX_HEADER_BYTES, type ParsedHeader, parseHeader, type Stanza } from "./header.js";
export {
  identityFromKey,
  parseIdentityFile,
  parseRecipient,
  parseRecipientsFile,
  recipientFromKey,
} from "./parse-keys.js";
export { type ChunkEngine, endSink, type PumpOptions, type PumpResult, pump, READ_SIZE } from "./pump.js";
export { DEFAULT_SCRYPT_LOG_N, MAX_SCRYPT_LOG_N, scryptIdentity, scryptRecipient } from "./scrypt.js";
export { sshEd25519Identity, sshEd25519Recipient } from "./ssh-ed25519.js";
export { CHUNK_SIZE, ENC_CHUNK_SIZE } from "./stream.js";
export type { SealIdentity, SealRecipient } from "./types.js";
export {
  decodeAgeIdentity,
  decodeAgeRecipient,
  encodeAgeIdentity,
  encodeAgeRecipient,
  generateX25519KeyPair,
  type X25519KeyPair,
  x25519Identity,
  x25519Recipient,
} from "./x25519.js";
