import type { Stanza } from "./header.js";

/**
 * Something a file key can be sealed to. `wrapFileKey` returns the stanza(s) for the header; it is called
 * once per file with a fresh 16-byte file key.
 */
export interface SealRecipient {
  /** Human-readable form for messages (`age1…`, `ssh-ed25519 SHA256:…`, `scrypt`). */
  readonly label: string;
  wrapFileKey(fileKey: Uint8Array): Stanza[] | Promise<Stanza[]>;
}

/**
 * Something that can open a file key. Contract (as in age and typage): return `null` when no stanza is
 * addressed to this identity (including a stanza whose AEAD tag does not verify under this key); throw a
 * `SigrunError` with code `SEAL_MALFORMED` only when a stanza of this identity's type is malformed
 * (wrong argument count, non-canonical base64, wrong lengths, low-order share).
 */
export interface SealIdentity {
  readonly label: string;
  unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null | Promise<Uint8Array | null>;
}
