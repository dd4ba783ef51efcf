import { SigrunError } from "../core/index.js";
import { createPolicyEngine } from "../policy/index.js";
import { COUNTERSIGN_SCHEMA, countersignContext } from "./countersign-request.js";
import type { Decision, RequestReview, SessionReview } from "./review.js";

/**
 * The signer's Cedar policy (docs/spec/session.md §7). Principal = the initiator as the join string
 * describes it, action = `Action::"sign"`, resource = the artifact with the attributes the signer
 * computed itself. Cedar denies by default; any evaluation failure is a deny.
 */
export const SIGNER_SCHEMA = `
entity Initiator = {
  "context": String, "relay": String, "mode": String, "verified": Bool,
  "issuer"?: String, "repository"?: String, "ref"?: String, "workflow"?: String, "sha"?: String, "actor"?: String
};
entity Artifact = {
  "name": String, "sha256": String, "size": Long, "format": String, "kind": String, "content": String
};
action "sign" appliesTo { principal: [Initiator], resource: [Artifact], context: {} };
${COUNTERSIGN_SCHEMA}`;

export type PolicyApprover = (review: RequestReview) => Decision;

export function signerPolicy(policyText: string, session: SessionReview): PolicyApprover {
  const engine = createPolicyEngine({ policy: policyText, schema: SIGNER_SCHEMA, strict: true });
  const principal = { type: "Initiator", id: "initiator" };
  return (r) => {
    if (r.size > Number.MAX_SAFE_INTEGER) throw new SigrunError("INTERNAL", "size out of range");
    const resource = { type: "Artifact", id: r.name };
    const d = engine.authorize({
      principal,
      action: { type: "Action", id: r.countersign ? "countersign" : "sign" },
      resource,
      context: r.countersign ? countersignContext(r.countersign) : {},
      entities: [
        {
          uid: principal,
          attrs: initiatorAttrs(session, r),
          parents: [],
        },
        {
          uid: resource,
          attrs: {
            name: r.name,
            sha256: r.sha256,
            size: r.size,
            format: r.format,
            kind: r.kind,
            // what the signer recognized in the bytes: sgb | classic-bundle | archive | text | binary
            content: r.content?.kind ?? (r.kind === "bundle" ? "sgb" : "binary"),
          },
          parents: [],
        },
      ],
    });
    if (d.allowed)
      return { approved: true, reason: `policy allows (${d.policies.join(", ")})`, by: "policy" };
    return {
      approved: false,
      reason: d.error
        ? "policy evaluation failed"
        : d.policies.length
          ? `policy forbids (${d.policies.join(", ")})`
          : "no policy permits",
      by: "policy",
    };
  };
}

function initiatorAttrs(session: SessionReview, r: RequestReview): Record<string, unknown> {
  const attrs: Record<string, unknown> = {
    context: session.context,
    relay: session.relay,
    mode: session.mode,
    verified: r.provenance !== undefined,
  };
  const p = r.provenance;
  if (p) {
    attrs.issuer = p.issuer;
    for (const k of ["repository", "ref", "workflow", "sha", "actor"] as const)
      if (p[k] !== undefined) attrs[k] = p[k];
  }
  return attrs;
}
