import type { AuditSink } from "../attest/index.js";
import { SigrunError } from "../core/index.js";
import type { CountersignReview, Decision, RequestReview } from "../signing/index.js";
import { readInput, readSecret } from "./io.js";

/**
 * `remote-sign --approver-pub P [--nonce-env VAR] [--countersign-audit LOG]`: the signer's side of remote
 * countersign requests. The evidence verifier (attest), and every countersign decision — evidence refused,
 * approved, declined — appended to the signer's hash-chained audit log before the initiator learns of it.
 */
export interface CountersignOptions {
  approverPub?: string;
  nonceEnv?: string;
  countersignAudit?: string;
}

type Chain = (AuditSink & { close(): Promise<void>; path: string }) | undefined;

/** Opens the hash-chained log for countersign decisions (only when countersign requests are accepted). */
export async function openCountersignAudit(o: CountersignOptions): Promise<Chain> {
  if (o.approverPub === undefined) {
    if (o.nonceEnv !== undefined) throw new SigrunError("USAGE", "--nonce-env requires --approver-pub");
    if (o.countersignAudit !== undefined)
      throw new SigrunError("USAGE", "--countersign-audit requires --approver-pub");
    return undefined;
  }
  const { auditLogPath, openAuditSink } = await import("./audit-sink.js");
  return openAuditSink(auditLogPath(o.countersignAudit));
}

const facts = (c: CountersignReview) => ({
  build: c.build.id,
  buildKey: c.build.keyId,
  approver: c.approver.keyId,
  approvalSha256: c.build.approvalSha256,
  builderId: c.attestation.builderId,
  attestedAt: c.attestation.time,
});

/** The `countersign` verifier option of runSigner (empty without --approver-pub). */
export async function countersignVerifier(o: CountersignOptions, chain: Chain) {
  if (o.approverPub === undefined || chain === undefined) return {};
  const { checkEvidence, parseBuildSecret } = await import("../attest/index.js");
  const { parsePublicKey } = await import("../keys/index.js");
  const { sha256Hex } = await import("../core/index.js");
  const approverPub = parsePublicKey(readInput(o.approverPub, "approver public key"), o.approverPub);
  const nonceText = o.nonceEnv !== undefined ? readSecret({ env: o.nonceEnv }, "build nonce") : undefined;
  const nonce = nonceText !== undefined ? parseBuildSecret(nonceText, "mac") : undefined;
  return {
    countersign: async (name: string, data: Uint8Array, evidence: Uint8Array) => {
      try {
        return checkEvidence(evidence, name, data, {
          approverPub,
          now: new Date(),
          ...(nonce ? { nonce } : {}),
        });
      } catch (err) {
        const code = err instanceof SigrunError ? err.code : "INTERNAL";
        await chain.append("countersign", {
          name,
          sha256: sha256Hex(data),
          decision: "refuse",
          code,
          reason: (err as Error).message.slice(0, 500),
          by: "signer",
        });
        throw err;
      }
    },
  };
}

/** Wraps the signer's approver: a countersign decision is appended to the chain before it is returned. */
export function logCountersign<O>(
  chain: Chain,
  approve: (r: RequestReview, opts?: O) => Promise<Decision>,
): (r: RequestReview, opts?: O) => Promise<Decision> {
  if (chain === undefined) return approve;
  return async (r, opts) => {
    const d = await approve(r, opts);
    if (r.countersign)
      await chain.append("countersign", {
        ...facts(r.countersign),
        name: r.name,
        sha256: r.sha256,
        format: r.format,
        decision: d.approved ? "sign" : "refuse",
        ...(d.approved ? {} : { code: d.by === "policy" ? "POLICY_DENIED" : "DECLINED" }),
        reason: d.reason.slice(0, 500),
        by: d.by,
      });
    return d;
  };
}
