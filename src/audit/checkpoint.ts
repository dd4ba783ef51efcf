import { canonicalJson, fromBase64, SigrunError, toBase64, utf8Encode } from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";

/** Domain-separated message a checkpoint signature covers. */
export function checkpointMessage(host: string, seq: number, head: string): Uint8Array {
  return utf8Encode(canonicalJson({ ctx: "sigrun-audit-checkpoint/v1", host, seq, head }));
}

export interface CheckpointData {
  readonly host: string;
  /** Sequence number of the entry the checkpoint covers (the entry just before it). */
  readonly seq: number;
  /** Hash of that entry. */
  readonly head: string;
  readonly keyId: string;
  readonly sig: string;
  readonly [k: string]: string | number;
}

export async function signCheckpoint(
  signer: Signer,
  host: string,
  seq: number,
  head: string,
): Promise<CheckpointData> {
  const sig = await signer.sign(checkpointMessage(host, seq, head));
  return { host, seq, head, keyId: signer.publicKey.keyId, sig: toBase64(sig) };
}

/** Verifies a checkpoint's signature with the host's public key; throws AUDIT_CORRUPT on failure. */
export function verifyCheckpoint(data: Record<string, unknown>, hostPub: PublicKeyInfo, where: string): void {
  const { host, seq, head, keyId, sig } = data;
  if (
    typeof host !== "string" ||
    typeof seq !== "number" ||
    typeof head !== "string" ||
    typeof sig !== "string"
  )
    throw new SigrunError("AUDIT_CORRUPT", `${where}: checkpoint fields missing`);
  if (keyId !== hostPub.keyId)
    throw new SigrunError(
      "AUDIT_CORRUPT",
      `${where}: checkpoint key id: expected ${hostPub.keyId}, got ${String(keyId)}`,
    );
  let sigBytes: Uint8Array;
  try {
    sigBytes = fromBase64(sig);
  } catch {
    throw new SigrunError("AUDIT_CORRUPT", `${where}: checkpoint signature: not base64`);
  }
  if (!rawVerify(hostPub.algorithm, hostPub.keyObject, checkpointMessage(host, seq, head), sigBytes))
    throw new SigrunError("AUDIT_CORRUPT", `${where}: checkpoint signature does not verify`);
}
