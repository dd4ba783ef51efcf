import type { Authorizer, AuthzDecision, AuthzRequest, DecisionRecord } from "./types.js";
import { formatUid } from "./types.js";

/** Turns a request and its decision into a trail entry. */
export function toRecord(request: AuthzRequest, decision: AuthzDecision): DecisionRecord {
  const rec: DecisionRecord = {
    principal: formatUid(request.principal),
    action: formatUid(request.action),
    resource: formatUid(request.resource),
    decision: decision.allowed ? "allow" : "deny",
    policies: [...decision.policies],
  };
  if (decision.error !== undefined) rec.error = decision.error;
  return rec;
}

/**
 * Wraps an authorizer so every request (allow and deny) is appended to `trail`, capped at `max`
 * entries (later ones are counted in `dropped`).
 */
export function recordingAuthorizer(
  inner: Authorizer,
  trail: DecisionRecord[],
  max = 10_000,
): Authorizer & { dropped: () => number } {
  let dropped = 0;
  const fn = (request: AuthzRequest): AuthzDecision => {
    const decision = inner(request);
    if (trail.length < max) trail.push(toRecord(request, decision));
    else dropped++;
    return decision;
  };
  return Object.assign(fn, { dropped: () => dropped });
}
