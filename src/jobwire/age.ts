// The age-format operations sealed jobs need, in one place: per-job X25519 key pairs, small sealed
// values in memory, and streaming seal/open of files. Backed by the seal module (age-encryption.org/v1).
import { Readable } from "node:stream";
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { SigrunError } from "../core/index.js";

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

export async function newAgeKeyPair(): Promise<AgeKeyPair> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export async function recipientOf(identity: string): Promise<string> {
  try {
    return await identityToRecipient(identity);
  } catch (err) {
    throw new SigrunError("KEY_INVALID", "age identity: not an X25519 identity", { cause: err });
  }
}

function encrypter(recipients: readonly string[]): Encrypter {
  const e = new Encrypter();
  for (const r of recipients) {
    if (!isX25519Recipient(r))
      throw new SigrunError("KEY_INVALID", `age recipient: expected age1…, got ${r}`);
    e.addRecipient(r);
  }
  return e;
}

function decrypter(identities: readonly string[]): Decrypter {
  const d = new Decrypter();
  for (const i of identities) d.addIdentity(i);
  return d;
}

/** Seals a small value (keys, manifests) in memory. */
export function sealBytes(data: Uint8Array, recipients: readonly string[]): Promise<Uint8Array> {
  return encrypter(recipients).encrypt(data);
}

/** Opens a small sealed value; any failure (wrong key, tampering, truncation) is SEAL_ERROR. */
export async function openBytes(ct: Uint8Array, identities: readonly string[]): Promise<Uint8Array> {
  try {
    return await decrypter(identities).decrypt(ct);
  } catch (err) {
    throw new SigrunError("SEAL_ERROR", `unseal: ${(err as Error).message}`, { cause: err });
  }
}

/** Streams `src` sealed to `recipients` (constant memory). */
export async function sealStream(src: Readable, recipients: readonly string[]): Promise<Readable> {
  const web = Readable.toWeb(src) as unknown as ReadableStream<Uint8Array>;
  return Readable.fromWeb((await encrypter(recipients).encrypt(web)) as never);
}

/**
 * Streams the plaintext of `src`; each 64 KiB chunk is authenticated before it is passed on, and a
 * truncated or extended stream fails at its end with SEAL_ERROR (callers discard what they wrote).
 */
export async function openStream(src: Readable, identities: readonly string[]): Promise<Readable> {
  const web = Readable.toWeb(src) as unknown as ReadableStream<Uint8Array>;
  let out: ReadableStream<Uint8Array>;
  try {
    out = await decrypter(identities).decrypt(web);
  } catch (err) {
    throw new SigrunError("SEAL_ERROR", `unseal: ${(err as Error).message}`, { cause: err });
  }
  const r = Readable.fromWeb(out as never);
  return r;
}
