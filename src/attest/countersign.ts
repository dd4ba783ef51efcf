import { type DsseEnvelope, SigrunError, wrapError } from "../core/index.js";
import { type SignatureFormat, type Signer, signFile } from "../keys/index.js";
import type { Artifact } from "./attest.js";
import { checkUniqueNames } from "./attest.js";
import type { AuditSink } from "./audit-sink.js";
import {
  type ArtifactCheck,
  checkArtifact,
  indexAttestations,
  type OpenBuildOptions,
  openBuild,
} from "./check.js";

export interface CountersignOptions extends OpenBuildOptions {
  readonly attestations: readonly DsseEnvelope[];
  readonly artifacts: readonly Artifact[];
  readonly signer: Signer;
  readonly format: SignatureFormat;
  /** H's audit log: every decision is appended before any signature is released. */
  readonly audit: AuditSink;
  /** SSHSIG namespace (ssh format; default `file`). */
  readonly namespace?: string;
  readonly now: Date;
}

export interface CountersignDecision {
  readonly name: string;
  readonly sha256: string;
  readonly decision: "sign" | "refuse";
  readonly code?: SigrunError["code"];
  readonly reason: string;
  /** The release signature (format as asked) when signed. */
  readonly signature?: Uint8Array;
}

export interface CountersignReport {
  readonly build: string;
  readonly variant: "key" | "mac";
  readonly approver: string;
  readonly approvalSha256: string;
  readonly decisions: CountersignDecision[];
}

/**
 * H's decision for a set of artifacts of one build. The approval is checked first: if it fails, the
 * refusal is audit-logged and thrown, and nothing is signed. Then each artifact is checked on its own and
 * either signed with the release key or refused with a code; each decision is appended to the audit log
 * before the next artifact (an audit failure throws and nothing is returned).
 */
export async function countersign(o: CountersignOptions): Promise<CountersignReport> {
  checkUniqueNames(o.artifacts.map((a) => a.name));
  let build: ReturnType<typeof openBuild>;
  try {
    build = openBuild(o);
    if (build.approval.record.variant === "mac" && build.nonce === undefined)
      throw new SigrunError("USAGE", "mac variant: the build nonce is needed (--nonce-env)");
  } catch (err) {
    const e = wrapError("countersign: approval", err, "ATTESTATION_INVALID");
    await o.audit.append("countersign-build", {
      decision: "refuse",
      code: e.code,
      reason: e.message.slice(0, 500),
      artifacts: o.artifacts.map((a) => a.name),
    });
    throw e;
  }
  const r = build.approval.record;
  const base = {
    build: r.build,
    variant: r.variant,
    approver: r.approver,
    approvalSha256: build.approval.sha256,
  };
  const byName = indexAttestations(o.attestations);
  const decisions: CountersignDecision[] = [];
  for (const a of o.artifacts) {
    const c: ArtifactCheck = checkArtifact(build, byName, a.name, a.data);
    if (!c.ok) {
      await o.audit.append("countersign", {
        ...base,
        name: a.name,
        sha256: c.sha256,
        decision: "refuse",
        code: c.code,
        reason: c.reason.slice(0, 500),
      });
      decisions.push({ name: a.name, sha256: c.sha256, decision: "refuse", code: c.code, reason: c.reason });
      continue;
    }
    const signature = await signFile(o.signer, a.data, o.format, {
      ...(o.namespace ? { namespace: o.namespace } : {}),
      now: o.now,
    });
    const reason = `attested by build ${r.build} (${c.verified === "mac" ? "MAC" : "build key signature"} verified)`;
    await o.audit.append("countersign", {
      ...base,
      name: a.name,
      sha256: c.sha256,
      decision: "sign",
      format: o.format,
      releaseKey: o.signer.publicKey.keyId,
      builderId: c.statement.predicate.builderId,
      attestedAt: c.statement.predicate.time,
      reason,
    });
    decisions.push({ name: a.name, sha256: c.sha256, decision: "sign", reason, signature });
  }
  return { ...base, decisions };
}
