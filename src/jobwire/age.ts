// The age-format operations sealed jobs need, in one place: per-job X25519 key pairs, small sealed values
// in memory, and streaming transforms — all from the seal module (age-encryption.org/v1).
import type { Transform } from "node:stream";
import { SigrunError } from "../core/index.js";
import {
  createSealStream,
  createUnsealStream,
  decodeAgeIdentity,
  generateX25519KeyPair,
  parseRecipient,
  SealEngine,
  type SealIdentity,
  sealBytes as sealSmall,
  UnsealEngine,
  unsealBytes,
  x25519Identity,
} from "../seal/index.js";

export interface AgeKeyPair {
  /** `AGE-SECRET-KEY-1…` — never leaves the process that made it unless wrapped. */
  readonly identity: string;
  /** `age1…` */
  readonly recipient: string;
}

const RECIPIENT_RE = /^age1[02-9ac-hj-np-z]{58}$/;

export function isX25519Recipient(s: unknown): s is string {
  return typeof s === "string" && RECIPIENT_RE.test(s);
}

export function newAgeKeyPair(): AgeKeyPair {
  const kp = generateX25519KeyPair();
  return { identity: kp.identity, recipient: kp.recipient };
}

function identityOf(identity: string): SealIdentity & { readonly recipient: string } {
  try {
    return x25519Identity(decodeAgeIdentity(identity));
  } catch (err) {
    throw new SigrunError("KEY_INVALID", "age identity: not an X25519 identity", { cause: err });
  }
}

export function recipientOf(identity: string): string {
  return identityOf(identity).recipient;
}

function recipients(list: readonly string[]) {
  return list.map((r) => {
    if (!isX25519Recipient(r))
      throw new SigrunError("KEY_INVALID", `age recipient: expected age1…, got ${r}`);
    return parseRecipient(r);
  });
}

/** Seals a small value (keys, manifests) in memory. */
export function sealBytes(data: Uint8Array, to: readonly string[]): Promise<Uint8Array> {
  return sealSmall(data, recipients(to));
}

/** Opens a small sealed value; wrong key, tampering or truncation fail with the seal module's SEAL_* codes. */
export function openBytes(ct: Uint8Array, identities: readonly string[]): Promise<Uint8Array> {
  return unsealBytes(ct, identities.map(identityOf));
}

/** A transform sealing to `to` (constant memory). */
export function sealTransform(to: readonly string[]): Transform {
  return createSealStream(recipients(to));
}

/** A transform opening with `identities`; each 64 KiB chunk is authenticated before it is passed on. */
export function unsealTransform(identities: readonly string[]): Transform {
  return createUnsealStream(identities.map(identityOf));
}

/** A seal engine to `to` for the seal module's pump (constant memory, no stream hops). */
export function sealEngine(to: readonly string[]): Promise<SealEngine> {
  return SealEngine.create(recipients(to));
}

/** An unseal engine; each 64 KiB chunk is authenticated before its plaintext is handed on. */
export function unsealEngine(identities: readonly string[]): UnsealEngine {
  return new UnsealEngine(identities.map(identityOf));
}
