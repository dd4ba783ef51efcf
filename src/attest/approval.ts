import { createPublicKey } from "node:crypto";
import {
  canonicalJson,
  type DsseEnvelope,
  fromBase64,
  SigrunError,
  toBase64,
  utf8Decode,
  utf8Encode,
} from "../core/index.js";
import { openPgpKeyFacts, type PublicKeyInfo, publicKeyInfo, type Signer } from "../keys/index.js";
import type { BuildSecret } from "./build-secret.js";
import { envelopeBytes, hexDigest, parseOneEnvelope, signDsse, verifyDsseSignature } from "./envelope.js";
import { APPROVAL_PAYLOAD_TYPE, APPROVAL_TYPE, type BuildVariant, KEY_ID_RE } from "./formats.js";
import { checkBuildId, checkTime } from "./names.js";

/** The build key as the approval records it: sigrun key id, OpenPGP v4 fingerprint, SPKI DER (base64). */
export interface ApprovedBuildKey {
  readonly keyId: string;
  readonly openpgpFingerprint: string;
  readonly spki: string;
}

/** The approval record (docs/spec/build-attestation.md §3): canonical JSON, signed by the approver. */
export interface ApprovalRecord {
  readonly _type: typeof APPROVAL_TYPE;
  readonly build: string;
  readonly variant: BuildVariant;
  readonly buildKey: ApprovedBuildKey | null;
  /** MAC variant: `sha256:` + hex SHA-256 of the nonce (never the nonce). */
  readonly nonceCommitment: string | null;
  readonly approver: string;
  readonly created: string;
  readonly notAfter: string;
}

export interface VerifiedApproval {
  readonly record: ApprovalRecord;
  /** Key variant: the approved build public key. */
  readonly buildKey: PublicKeyInfo | undefined;
  readonly envelope: DsseEnvelope;
  /** Hex SHA-256 of the approval file bytes (what audit entries name). */
  readonly sha256: string;
}

/** Builds and signs the approval record of `secret`, valid from `now` until `notAfter`. */
export async function makeApproval(
  secret: BuildSecret,
  approver: Signer,
  now: Date,
  notAfter: Date,
): Promise<{ record: ApprovalRecord; envelope: DsseEnvelope; bytes: Uint8Array }> {
  if (notAfter.getTime() <= now.getTime())
    throw new SigrunError("USAGE", "approval: not-after must be later than now");
  const record: ApprovalRecord = {
    _type: APPROVAL_TYPE,
    build: secret.build,
    variant: secret.variant,
    buildKey:
      secret.variant === "key"
        ? {
            keyId: secret.signer.publicKey.keyId,
            openpgpFingerprint: openPgpKeyFacts(secret.signer.publicKey).fingerprint,
            spki: toBase64(secret.signer.publicKey.spkiDer),
          }
        : null,
    nonceCommitment: secret.variant === "mac" ? secret.keyId : null,
    approver: approver.publicKey.keyId,
    created: now.toISOString(),
    notAfter: notAfter.toISOString(),
  };
  const envelope = await signDsse(APPROVAL_PAYLOAD_TYPE, utf8Encode(canonicalJson(record)), approver);
  return { record, envelope, bytes: approvalFileBytes(envelope) };
}

/** The approval file: the envelope's canonical JSON and one newline. */
export function approvalFileBytes(env: DsseEnvelope): Uint8Array {
  return utf8Encode(`${utf8Decode(envelopeBytes(env))}\n`);
}

function bad(why: string): SigrunError {
  return new SigrunError("ATTESTATION_INVALID", `approval record: ${why}`);
}

const KEYS = "_type,approver,build,buildKey,created,nonceCommitment,notAfter,variant";

/** Parses a record strictly: exact fields, canonical bytes, consistent variant. */
export function parseApprovalRecord(payload: Uint8Array): {
  record: ApprovalRecord;
  buildKey?: PublicKeyInfo;
} {
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(payload, "approval record"));
  } catch (err) {
    throw new SigrunError("ATTESTATION_INVALID", "approval record: not valid JSON", { cause: err });
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("expected an object");
  const r = v as Record<string, unknown>;
  if (Object.keys(r).sort().join(",") !== KEYS) throw bad(`expected exactly the fields ${KEYS}`);
  if (r._type !== APPROVAL_TYPE)
    throw new SigrunError(
      "UNSUPPORTED_VERSION",
      `approval record _type: expected ${APPROVAL_TYPE}, got ${String(r._type).slice(0, 80)}`,
    );
  if (canonicalJson(r) !== utf8Decode(payload)) throw bad("not in canonical JSON form");
  checkBuildId(r.build, "approval record build");
  if (typeof r.approver !== "string" || !KEY_ID_RE.test(r.approver))
    throw bad("approver: expected a sha256: key id");
  const created = checkTime(r.created, "approval record created");
  const notAfter = checkTime(r.notAfter, "approval record notAfter");
  if (notAfter.getTime() <= created.getTime()) throw bad("notAfter: must be later than created");
  let buildKey: PublicKeyInfo | undefined;
  if (r.variant === "key") {
    if (r.nonceCommitment !== null) throw bad("nonceCommitment: must be null for the key variant");
    const k = r.buildKey as Record<string, unknown> | null;
    if (
      typeof k !== "object" ||
      k === null ||
      Array.isArray(k) ||
      Object.keys(k).sort().join(",") !== "keyId,openpgpFingerprint,spki"
    )
      throw bad("buildKey: expected {keyId, openpgpFingerprint, spki}");
    if (typeof k.spki !== "string" || k.spki.length > 200)
      throw bad("buildKey.spki: expected base64 SPKI DER");
    try {
      buildKey = publicKeyInfo(
        createPublicKey({ key: Buffer.from(fromBase64(k.spki, "spki")), format: "der", type: "spki" }),
      );
    } catch (err) {
      throw new SigrunError("ATTESTATION_INVALID", "approval record buildKey.spki: not a public key", {
        cause: err,
      });
    }
    if (buildKey.algorithm !== "ed25519") throw bad("buildKey: expected ed25519");
    if (k.keyId !== buildKey.keyId) throw bad("buildKey.keyId: does not match buildKey.spki");
    if (k.openpgpFingerprint !== openPgpKeyFacts(buildKey).fingerprint)
      throw bad("buildKey.openpgpFingerprint: does not match buildKey.spki");
  } else if (r.variant === "mac") {
    if (r.buildKey !== null) throw bad("buildKey: must be null for the mac variant");
    if (typeof r.nonceCommitment !== "string" || !KEY_ID_RE.test(r.nonceCommitment))
      throw bad("nonceCommitment: expected sha256: + 64 hex");
  } else throw bad("variant: expected key or mac");
  return { record: r as unknown as ApprovalRecord, ...(buildKey ? { buildKey } : {}) };
}

/**
 * Verifies an approval file against the approver's public key: strict envelope, the approver's
 * signature, the record's fields, and that the record names the key that signed it. Does NOT check the
 * time: see `checkApprovalTime`.
 */
export function verifyApproval(bytes: Uint8Array, approverPub: PublicKeyInfo): VerifiedApproval {
  const text = bytes.byteLength > 0 && bytes[bytes.byteLength - 1] === 0x0a ? bytes.subarray(0, -1) : bytes;
  const envelope = parseOneEnvelope(text, "approval");
  const payload = verifyDsseSignature(envelope, APPROVAL_PAYLOAD_TYPE, approverPub, "approval");
  const { record, buildKey } = parseApprovalRecord(payload);
  if (record.approver !== approverPub.keyId)
    throw new SigrunError(
      "SIGNER_UNTRUSTED",
      `approval record: names approver ${record.approver}, signed by ${approverPub.keyId}`,
    );
  return { record, buildKey, envelope, sha256: hexDigest(bytes) };
}

/** EXPIRED after notAfter, NOT_YET_VALID before created (5 minutes of clock skew allowed). */
export function checkApprovalTime(record: ApprovalRecord, now: Date): void {
  if (now.getTime() > Date.parse(record.notAfter))
    throw new SigrunError("EXPIRED", `approval of build ${record.build}: expired at ${record.notAfter}`);
  if (now.getTime() + 5 * 60_000 < Date.parse(record.created))
    throw new SigrunError(
      "NOT_YET_VALID",
      `approval of build ${record.build}: created in the future (${record.created})`,
    );
}
