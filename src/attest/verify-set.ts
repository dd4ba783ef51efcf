import type { DsseEnvelope } from "../core/index.js";
import { SigrunError } from "../core/index.js";
import { type PublicKeyInfo, type SignatureFormat, verifyDetached } from "../keys/index.js";
import type { Artifact } from "./attest.js";
import { checkUniqueNames } from "./attest.js";
import type { BuildSecret } from "./build-secret.js";
import { checkArtifact, indexAttestations, openBuild } from "./check.js";

export interface PublishedArtifact extends Artifact {
  /** The release signature H published for it, or undefined when missing. */
  readonly signature: Uint8Array | undefined;
}

export interface VerifySetOptions {
  readonly approval: Uint8Array;
  readonly approverPub: PublicKeyInfo;
  readonly attestations: readonly DsseEnvelope[];
  readonly artifacts: readonly PublishedArtifact[];
  /** H's release public key: SPKI PEM / OpenSSH / OpenPGP certificate bytes, or a loaded key. */
  readonly releasePub: Uint8Array | PublicKeyInfo;
  readonly format?: SignatureFormat;
  readonly namespace?: string;
  /** MAC variant: with the nonce the MACs are checked too; without it only digests and the commitment. */
  readonly nonce?: BuildSecret;
}

export interface VerifiedArtifact {
  readonly name: string;
  readonly sha256: string;
  readonly ok: boolean;
  readonly code?: SigrunError["code"];
  readonly reason: string;
  readonly attestation?: "signature" | "mac" | "digest-only";
}

/**
 * L's re-check of a published set: the approval (signed by the approver; its validity period is not
 * re-checked against the current time, but every attestation must lie inside it), each artifact's
 * attestation as H checked it, and H's release signature over each artifact.
 */
export async function verifyPublishedSet(
  o: VerifySetOptions,
): Promise<{ build: string; approver: string; results: VerifiedArtifact[] }> {
  checkUniqueNames(o.artifacts.map((a) => a.name));
  const build = openBuild({
    approval: o.approval,
    approverPub: o.approverPub,
    ...(o.nonce ? { nonce: o.nonce } : {}),
  });
  const byName = indexAttestations(o.attestations);
  const results: VerifiedArtifact[] = [];
  for (const a of o.artifacts) {
    const c = checkArtifact(build, byName, a.name, a.data, { allowUnverifiedMac: true });
    if (!c.ok) {
      results.push({ name: a.name, sha256: c.sha256, ok: false, code: c.code, reason: c.reason });
      continue;
    }
    if (a.signature === undefined) {
      results.push({
        name: a.name,
        sha256: c.sha256,
        ok: false,
        code: "SIGNATURE_INVALID",
        reason: `${a.name}: no release signature`,
      });
      continue;
    }
    let ok = false;
    let why = "release signature does not verify";
    try {
      ok = (
        await verifyDetached(a.data, a.signature, o.releasePub, {
          ...(o.format ? { format: o.format } : {}),
          ...(o.namespace ? { namespace: o.namespace } : {}),
        })
      ).ok;
    } catch (err) {
      if (!(err instanceof SigrunError)) throw err;
      why = `release signature: ${err.message}`;
    }
    results.push(
      ok
        ? {
            name: a.name,
            sha256: c.sha256,
            ok: true,
            reason: `attested by build ${build.approval.record.build}, release signature verifies`,
            attestation: c.verified,
          }
        : {
            name: a.name,
            sha256: c.sha256,
            ok: false,
            code: "SIGNATURE_INVALID",
            reason: `${a.name}: ${why}`,
          },
    );
  }
  return { build: build.approval.record.build, approver: build.approval.record.approver, results };
}
