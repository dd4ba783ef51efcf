import { SigrunError } from "../core/index.js";
import { publicKeyPem, type Signer } from "../keys/index.js";
import { type ApprovalRecord, makeApproval } from "./approval.js";
import { buildKeyOpenPgpCert } from "./attest.js";
import type { AuditSink } from "./audit-sink.js";
import { type BuildSecret, encodeBuildSecret, newBuildSecret } from "./build-secret.js";
import { hexDigest } from "./envelope.js";
import type { BuildVariant } from "./formats.js";

/** Longest approval validity `build-key new` accepts. */
export const MAX_VALIDITY_MS = 31 * 24 * 3600_000;

export interface NewBuildKeyOptions {
  readonly build: string;
  readonly approver: Signer;
  readonly validMs: number;
  readonly variant: BuildVariant;
  readonly audit: AuditSink;
  readonly now: Date;
}

export interface NewBuildKey {
  readonly secret: BuildSecret;
  /** The one-line secret (build key or nonce) for M: file content / environment variable value. */
  readonly secretText: string;
  /** Key variant: SPKI PEM and armored OpenPGP certificate of the build key. */
  readonly publicPem?: string;
  readonly openpgpCert?: string;
  readonly record: ApprovalRecord;
  /** The approval file (DSSE envelope, one line). */
  readonly approval: Uint8Array;
}

/**
 * An ephemeral build secret and its approval record, signed by the approver and appended to the
 * approver's audit log (before anything is returned: no approval exists that the log does not show).
 */
export async function newBuildKey(o: NewBuildKeyOptions): Promise<NewBuildKey> {
  if (!Number.isSafeInteger(o.validMs) || o.validMs <= 0 || o.validMs > MAX_VALIDITY_MS)
    throw new SigrunError("USAGE", "--valid: expected more than 0 and at most 31 days");
  const secret = newBuildSecret(o.build, o.variant);
  const { record, bytes } = await makeApproval(
    secret,
    o.approver,
    o.now,
    new Date(o.now.getTime() + o.validMs),
  );
  await o.audit.append("build-approval", {
    build: record.build,
    variant: record.variant,
    buildKey: record.buildKey?.keyId ?? null,
    openpgpFingerprint: record.buildKey?.openpgpFingerprint ?? null,
    nonceCommitment: record.nonceCommitment,
    approver: record.approver,
    notAfter: record.notAfter,
    approvalSha256: hexDigest(bytes),
  });
  return {
    secret,
    secretText: encodeBuildSecret(secret),
    ...(secret.variant === "key"
      ? {
          publicPem: publicKeyPem(secret.signer.publicKey.keyObject),
          openpgpCert: await buildKeyOpenPgpCert(secret),
        }
      : {}),
    record,
    approval: bytes,
  };
}
