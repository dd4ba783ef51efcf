import { type DsseEnvelope, SigrunError, utf8Decode, utf8Encode } from "../core/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import { encodeAttestations, parseAttestations } from "./attest.js";
import type { BuildSecret } from "./build-secret.js";
import { checkArtifact, indexAttestations, openBuild } from "./check.js";
import { CAPS } from "./formats.js";
import type { AttestationStatement } from "./statement.js";

/**
 * The evidence a remote `countersign` request carries (docs/spec/build-attestation.md §6): the approval
 * file followed by the one attestation line of the artifact — two JSON lines.
 */
export function encodeEvidence(approval: Uint8Array, attestation: DsseEnvelope): Uint8Array {
  const a = utf8Decode(approval, "approval").replace(/\n$/, "");
  return utf8Encode(`${a}\n${utf8Decode(encodeAttestations([attestation]))}`);
}

/** What the signer's review and Cedar policy see of a verified countersign request. */
export interface CountersignFacts {
  readonly build: {
    readonly id: string;
    readonly variant: "key" | "mac";
    readonly keyId: string;
    readonly notAfter: string;
    readonly approvalSha256: string;
  };
  readonly approver: { readonly keyId: string };
  readonly attestation: {
    readonly subject: string;
    readonly sha256: string;
    readonly builderId: string;
    readonly time: string;
    readonly verified: string;
  };
  readonly statement: AttestationStatement;
}

export interface EvidenceCheckOptions {
  readonly approverPub: PublicKeyInfo;
  readonly now: Date;
  readonly nonce?: BuildSecret;
}

/** Verifies a request's evidence for artifact `name` with bytes `data`; throws a coded SigrunError if it fails. */
export function checkEvidence(
  evidence: Uint8Array,
  name: string,
  data: Uint8Array,
  o: EvidenceCheckOptions,
): CountersignFacts {
  if (evidence.byteLength > 2 * CAPS.maxEnvelopeBytes + 2)
    throw new SigrunError("ATTESTATION_INVALID", "countersign evidence: too large");
  const text = utf8Decode(evidence, "countersign evidence");
  const nl = text.indexOf("\n");
  if (nl < 0)
    throw new SigrunError(
      "ATTESTATION_INVALID",
      "countersign evidence: expected approval and attestation lines",
    );
  const build = openBuild({
    approval: utf8Encode(text.slice(0, nl + 1)),
    approverPub: o.approverPub,
    now: o.now,
    ...(o.nonce ? { nonce: o.nonce } : {}),
  });
  const envs = parseAttestations(utf8Encode(text.slice(nl + 1)));
  if (envs.length !== 1)
    throw new SigrunError("ATTESTATION_INVALID", "countersign evidence: expected exactly one attestation");
  const c = checkArtifact(build, indexAttestations(envs), name, data);
  if (!c.ok) throw new SigrunError(c.code, c.reason);
  const r = build.approval.record;
  return {
    build: {
      id: r.build,
      variant: r.variant,
      keyId: r.buildKey?.keyId ?? r.nonceCommitment ?? "",
      notAfter: r.notAfter,
      approvalSha256: build.approval.sha256,
    },
    approver: { keyId: r.approver },
    attestation: {
      subject: c.statement.subject[0].name,
      sha256: c.sha256,
      builderId: c.statement.predicate.builderId,
      time: c.statement.predicate.time,
      verified: c.verified,
    },
    statement: c.statement,
  };
}
