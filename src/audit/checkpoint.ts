import { canonicalJson, fromBase64, SigrunError, toBase64, utf8Encode } from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";

/** Context strings of the two checkpoint forms (docs/spec/audit-log.md §4). */
export const CHECKPOINT_CTX_V1 = "sigrun-audit-checkpoint/v1";
export const CHECKPOINT_CTX_V2 = "sigrun-audit-checkpoint/v2";

/** Domain-separated message a v1 checkpoint signature covers (logs written by sigrun before state.db). */
export function checkpointMessage(host: string, seq: number, head: string): Uint8Array {
  return utf8Encode(canonicalJson({ ctx: CHECKPOINT_CTX_V1, host, seq, head }));
}

/** The message a v2 checkpoint signs: v1's fields plus the writer's cadence and whether it closed the log. */
export function checkpointMessageV2(
  host: string,
  seq: number,
  head: string,
  every: number,
  final: boolean,
): Uint8Array {
  return utf8Encode(canonicalJson({ ctx: CHECKPOINT_CTX_V2, host, seq, head, every, final }));
}

export interface CheckpointData {
  readonly host: string;
  /** Sequence number of the entry the checkpoint covers (the entry just before it). */
  readonly seq: number;
  /** Hash of that entry. */
  readonly head: string;
  /** v2: the writer writes a checkpoint at least every `every` entries. */
  readonly every?: number;
  /** v2: true for the checkpoint written when the writer closed the log cleanly. */
  readonly final?: boolean;
  readonly keyId: string;
  readonly sig: string;
}

/** What a writer stores as a v2 checkpoint's data. */
export interface SignedCheckpoint {
  readonly host: string;
  readonly seq: number;
  readonly head: string;
  readonly every: number;
  readonly final: boolean;
  readonly keyId: string;
  readonly sig: string;
  readonly [k: string]: string | number | boolean;
}

export async function signCheckpoint(
  signer: Signer,
  host: string,
  seq: number,
  head: string,
  every: number,
  final: boolean,
): Promise<SignedCheckpoint> {
  const sig = await signer.sign(checkpointMessageV2(host, seq, head, every, final));
  return { host, seq, head, every, final, keyId: signer.publicKey.keyId, sig: toBase64(sig) };
}

/** The fields of a checkpoint entry, checked for shape; which version it is. Throws AUDIT_CORRUPT. */
export function checkpointFields(
  data: Record<string, unknown>,
  where: string,
): CheckpointData & { v: 1 | 2 } {
  const keys = Object.keys(data).sort().join(",");
  const v1 = keys === "head,host,keyId,seq,sig";
  const v2 = keys === "every,final,head,host,keyId,seq,sig";
  if (!v1 && !v2) throw new SigrunError("AUDIT_CORRUPT", `${where}: checkpoint fields: got ${keys}`);
  const { host, seq, head, keyId, sig, every, final } = data;
  if (
    typeof host !== "string" ||
    typeof seq !== "number" ||
    typeof head !== "string" ||
    typeof keyId !== "string" ||
    typeof sig !== "string" ||
    (v2 && (typeof every !== "number" || every < 1 || typeof final !== "boolean"))
  )
    throw new SigrunError("AUDIT_CORRUPT", `${where}: checkpoint fields: wrong types`);
  return v2
    ? { v: 2, host, seq, head, keyId, sig, every: every as number, final: final as boolean }
    : { v: 1, host, seq, head, keyId, sig };
}

/** Verifies a checkpoint's signature with the writer's public key; throws AUDIT_CORRUPT on failure. */
export function verifyCheckpoint(data: Record<string, unknown>, hostPub: PublicKeyInfo, where: string): void {
  const cp = checkpointFields(data, where);
  if (cp.keyId !== hostPub.keyId)
    throw new SigrunError(
      "AUDIT_CORRUPT",
      `${where}: checkpoint key id: expected ${hostPub.keyId}, got ${cp.keyId}`,
    );
  let sigBytes: Uint8Array;
  try {
    sigBytes = fromBase64(cp.sig);
  } catch {
    throw new SigrunError("AUDIT_CORRUPT", `${where}: checkpoint signature: not base64`);
  }
  const msg =
    cp.v === 2
      ? checkpointMessageV2(cp.host, cp.seq, cp.head, cp.every!, cp.final!)
      : checkpointMessage(cp.host, cp.seq, cp.head);
  if (!rawVerify(hostPub.algorithm, hostPub.keyObject, msg, sigBytes))
    throw new SigrunError("AUDIT_CORRUPT", `${where}: checkpoint signature does not verify`);
}
