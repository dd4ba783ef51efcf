import { type DsseEnvelope, envelopePayload, SigrunError } from "../core/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import { checkApprovalTime, type VerifiedApproval, verifyApproval } from "./approval.js";
import type { BuildSecret } from "./build-secret.js";
import { hexDigest, nonceKeyId, verifyDsseMac, verifyDsseSignature } from "./envelope.js";
import { IN_TOTO_PAYLOAD_TYPE } from "./formats.js";
import { type AttestationStatement, parseStatement } from "./statement.js";

/** A build whose approval verified: what every artifact of it is checked against. */
export interface VerifiedBuild {
  readonly approval: VerifiedApproval;
  /** MAC variant: the nonce, checked against the approval's commitment. */
  readonly nonce?: Uint8Array;
}

export interface OpenBuildOptions {
  readonly approval: Uint8Array;
  readonly approverPub: PublicKeyInfo;
  /** Check the approval's validity period at this time (H); omit to skip it (L re-checking later). */
  readonly now?: Date;
  /** MAC variant: the build nonce (H needs it; L may lack it). */
  readonly nonce?: BuildSecret;
  /** Optional pinned build public key: must be the one the approval names. */
  readonly buildPub?: PublicKeyInfo;
}

/** Verifies the approval (and nonce / build key) of a build. Throws: then nothing of this build is signed. */
export function openBuild(o: OpenBuildOptions): VerifiedBuild {
  const approval = verifyApproval(o.approval, o.approverPub);
  const r = approval.record;
  if (o.now) checkApprovalTime(r, o.now);
  if (o.buildPub && approval.buildKey?.keyId !== o.buildPub.keyId)
    throw new SigrunError(
      "SIGNER_UNTRUSTED",
      `build key ${o.buildPub.keyId}: the approval of build ${r.build} names ${approval.buildKey?.keyId ?? "no key (mac variant)"}`,
    );
  if (o.nonce) {
    if (o.nonce.variant !== "mac")
      throw new SigrunError("USAGE", "--nonce-env: expected a build nonce, got a build key");
    if (r.variant !== "mac")
      throw new SigrunError("USAGE", `approval of build ${r.build} is for a build key, not a MAC nonce`);
    if (o.nonce.build !== r.build)
      throw new SigrunError(
        "SIGNER_UNTRUSTED",
        `build nonce is for build ${o.nonce.build}, the approval for ${r.build}`,
      );
    if (nonceKeyId(o.nonce.nonce) !== r.nonceCommitment)
      throw new SigrunError(
        "SIGNER_UNTRUSTED",
        `build nonce does not match the approval's commitment ${r.nonceCommitment}`,
      );
    return { approval, nonce: o.nonce.nonce };
  }
  return { approval };
}

export type ArtifactCheck =
  | {
      readonly ok: true;
      readonly name: string;
      readonly sha256: string;
      readonly statement: AttestationStatement;
      readonly attestationSha256: string;
      readonly verified: "signature" | "mac" | "digest-only";
    }
  | {
      readonly ok: false;
      readonly name: string;
      readonly sha256: string;
      readonly code: SigrunError["code"];
      readonly reason: string;
    };

/** Indexes attestations by the subject name they claim (unverified: only used to pick candidates). */
export function indexAttestations(envs: readonly DsseEnvelope[]): Map<string, DsseEnvelope[]> {
  const byName = new Map<string, DsseEnvelope[]>();
  for (const env of envs) {
    const key = claimedName(env) ?? "";
    byName.set(key, [...(byName.get(key) ?? []), env]);
  }
  return byName;
}

function claimedName(env: DsseEnvelope): string | undefined {
  try {
    const v = JSON.parse(Buffer.from(envelopePayload(env)).toString("utf8")) as {
      subject?: { name?: unknown }[];
    };
    const n = Array.isArray(v.subject) && v.subject.length === 1 ? v.subject[0]?.name : undefined;
    return typeof n === "string" && n !== "" ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks one artifact against the build: exactly one attestation names it, made by the approved build key
 * (or MACed with the approved nonce), for this build, within the approval's validity, with the artifact's
 * digest. `allowUnverifiedMac` (L without the nonce) accepts a MAC attestation on its digest alone.
 */
export function checkArtifact(
  build: VerifiedBuild,
  byName: Map<string, DsseEnvelope[]>,
  name: string,
  data: Uint8Array,
  opts: { allowUnverifiedMac?: boolean } = {},
): ArtifactCheck {
  const sha256 = hexDigest(data);
  const refuse = (code: SigrunError["code"], reason: string): ArtifactCheck => ({
    ok: false,
    name,
    sha256,
    code,
    reason,
  });
  const r = build.approval.record;
  const candidates = byName.get(name) ?? [];
  if (candidates.length === 0) return refuse("ATTESTATION_INVALID", `no attestation names ${name}`);
  if (candidates.length > 1)
    return refuse(
      "ATTESTATION_INVALID",
      `${candidates.length} attestations name ${name} (duplicate subject)`,
    );
  const env = candidates[0]!;
  let payload: Uint8Array;
  let verified: "signature" | "mac" | "digest-only";
  try {
    if (r.variant === "key") {
      payload = verifyDsseSignature(
        env,
        IN_TOTO_PAYLOAD_TYPE,
        build.approval.buildKey!,
        `attestation of ${name}`,
      );
      verified = "signature";
    } else if (build.nonce) {
      payload = verifyDsseMac(env, IN_TOTO_PAYLOAD_TYPE, build.nonce, `attestation of ${name}`);
      verified = "mac";
    } else if (opts.allowUnverifiedMac) {
      if (env.signatures[0]!.keyid !== r.nonceCommitment)
        return refuse(
          "SIGNER_UNTRUSTED",
          `attestation of ${name}: made with nonce ${env.signatures[0]!.keyid}, approved ${r.nonceCommitment}`,
        );
      payload = envelopePayload(env);
      verified = "digest-only";
    } else return refuse("USAGE", "mac variant: the build nonce is needed (--nonce-env)");
  } catch (err) {
    if (err instanceof SigrunError) return refuse(err.code, err.message);
    throw err;
  }
  let st: AttestationStatement;
  try {
    st = parseStatement(payload);
  } catch (err) {
    if (err instanceof SigrunError) return refuse(err.code, err.message);
    throw err;
  }
  if (st.predicate.buildId !== r.build)
    return refuse(
      "ATTESTATION_INVALID",
      `attestation of ${name} is for build ${st.predicate.buildId}, the approval for build ${r.build}`,
    );
  if (Date.parse(st.predicate.time) > Date.parse(r.notAfter))
    return refuse(
      "EXPIRED",
      `attestation of ${name} made at ${st.predicate.time}, after the build key expired (${r.notAfter})`,
    );
  if (Date.parse(st.predicate.time) + 5 * 60_000 < Date.parse(r.created))
    return refuse(
      "NOT_YET_VALID",
      `attestation of ${name} made at ${st.predicate.time}, before the build was approved (${r.created})`,
    );
  if (st.subject[0].digest.sha256 !== sha256)
    return refuse(
      "DIGEST_MISMATCH",
      `${name}: sha256 ${sha256} is not the attested ${st.subject[0].digest.sha256}`,
    );
  return { ok: true, name, sha256, statement: st, attestationSha256: hexDigest(payload), verified };
}
