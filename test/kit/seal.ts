import { randomBytes } from "node:crypto";
import { isSigrunError } from "../../src/core/index.js";
import {
  buildHeader,
  generateX25519KeyPair,
  parseIdentityFile,
  parseRecipient,
  type SealIdentity,
  type SealRecipient,
  unsealBytes,
} from "../../src/seal/index.js";
import { CHUNK_SIZE, PAYLOAD_NONCE_SIZE, payloadKey, StreamSealer } from "../../src/seal/stream.js";

/** A throw-away X25519 key pair as recipient and identity list. */
export function sealKeys(): { recipient: SealRecipient; identities: SealIdentity[]; recipientText: string } {
  const kp = generateX25519KeyPair();
  return {
    recipient: parseRecipient(kp.recipient),
    identities: parseIdentityFile(Buffer.from(kp.identity)),
    recipientText: kp.recipient,
  };
}

/**
 * Builds an age file by hand with a known file key: header, nonce, then the given chunks sealed with the
 * given final flags (for crafting extra/missing/reordered chunks). Uses the same primitives as sigrun.
 */
export async function craftAgeFile(
  recipients: SealRecipient[],
  chunks: Array<{ plaintext: Uint8Array; last: boolean; counter?: number }>,
): Promise<Uint8Array> {
  const fileKey = new Uint8Array(randomBytes(16));
  const header = await buildHeader(recipients, fileKey);
  const nonce = randomBytes(PAYLOAD_NONCE_SIZE);
  const key = payloadKey(fileKey, nonce);
  const out: Buffer[] = [Buffer.from(header), nonce];
  let i = 0;
  for (const c of chunks) {
    const s = new StreamSealer(key);
    // Advance a fresh sealer to the wanted counter (it refuses chunks after a final one).
    for (let k = 0; k < (c.counter ?? i); k++) s.sealChunk(new Uint8Array(CHUNK_SIZE), false, []);
    s.sealChunk(c.plaintext, c.last, out);
    i++;
  }
  return new Uint8Array(Buffer.concat(out));
}

/** The SigrunError code unsealing produces, or "OK" with the plaintext length. */
export async function unsealOutcome(file: Uint8Array, identities: SealIdentity[]): Promise<string> {
  try {
    const pt = await unsealBytes(file, identities);
    return `OK ${pt.byteLength}`;
  } catch (err) {
    return isSigrunError(err) ? err.code : `UNCODED ${String(err)}`;
  }
}
