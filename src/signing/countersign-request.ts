import { SigrunError, toHex } from "../core/index.js";
import type { SignRequest } from "./messages.js";

/**
 * Remote `countersign` requests (docs/spec/session.md §6.2, docs/spec/build-attestation.md §6): the
 * initiator sends an artifact together with evidence — the build's approval record and the artifact's
 * attestation. The signer verifies the evidence itself before anything is shown or signed. The
 * verification lives in src/attest (which this module may not import): the signer is given a
 * `CountersignVerifier` by its caller (the CLI wires `attest.checkEvidence` with `--approver-pub`).
 */

/** What the signer verified about a countersign request; shown in the review and given to the policy. */
export interface CountersignReview {
  readonly build: {
    readonly id: string;
    readonly variant: "key" | "mac";
    /** Build key id (key variant) or nonce commitment (MAC variant). */
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
    /** "signature" (build key) or "mac" (build nonce). */
    readonly verified: string;
  };
}

/**
 * Verifies the evidence of one request for artifact `name` with bytes `data`. Contract: returns the
 * verified facts, or throws a SigrunError whose code becomes the reject code (ATTESTATION_INVALID,
 * DIGEST_MISMATCH, EXPIRED, SIGNER_UNTRUSTED, SIGNATURE_INVALID, …).
 */
export type CountersignVerifier = (
  name: string,
  data: Uint8Array,
  evidence: Uint8Array,
) => CountersignReview | Promise<CountersignReview>;

export type CountersignCheck =
  | { readonly ok: true; readonly review: CountersignReview }
  | { readonly ok: false; readonly code: string; readonly reason: string };

/** The signer's check of a countersign request; never throws for bad evidence, returns a rejection. */
export async function checkCountersignRequest(
  verifier: CountersignVerifier | undefined,
  req: SignRequest,
  data: Uint8Array,
): Promise<CountersignCheck> {
  if (verifier === undefined)
    return {
      ok: false,
      code: "SIGNER_UNTRUSTED",
      reason: "this signer verifies no build approvals (no --approver-pub)",
    };
  if (req.evidence === undefined) return { ok: false, code: "ATTESTATION_INVALID", reason: "no evidence" };
  try {
    const review = await verifier(req.name, data, req.evidence);
    if (review.attestation.subject !== req.name || review.attestation.sha256 !== toHex(req.sha256))
      return { ok: false, code: "ATTESTATION_INVALID", reason: "evidence is about another artifact" };
    return { ok: true, review };
  } catch (err) {
    if (err instanceof SigrunError)
      return { ok: false, code: err.code, reason: "build evidence failed the signer's checks" };
    throw err;
  }
}

/** Cedar: the `countersign` action and its context (added to the signer schema). */
export const COUNTERSIGN_SCHEMA = `
type Build = {
  "id": String, "variant": String, "keyId": String, "notAfter": String, "approvalSha256": String,
  "builderId": String, "attestedAt": String, "verified": String
};
action "countersign" appliesTo { principal: [Initiator], resource: [Artifact], context: { "build": Build, "approver": String } };
`;

/** The Cedar context of a countersign request: `context.build` (record) and `context.approver` (key id). */
export function countersignContext(c: CountersignReview): Record<string, unknown> {
  return {
    build: {
      id: c.build.id,
      variant: c.build.variant,
      keyId: c.build.keyId,
      notAfter: c.build.notAfter,
      approvalSha256: c.build.approvalSha256,
      builderId: c.attestation.builderId,
      attestedAt: c.attestation.time,
      verified: c.attestation.verified,
    },
    approver: c.approver.keyId,
  };
}

/** Audit fields of a verified countersign request (the signer's audit log). */
export function countersignAudit(c: CountersignReview): Record<string, unknown> {
  return {
    build: c.build.id,
    buildKey: c.build.keyId,
    approver: c.approver.keyId,
    approvalSha256: c.build.approvalSha256,
    builderId: c.attestation.builderId,
    attestedAt: c.attestation.time,
    attestation: c.attestation.verified,
  };
}
