/** A Cedar entity uid in the JSON form cedar-wasm takes. */
export interface EntityUid {
  type: string;
  id: string;
}

/** A Cedar entity (JSON form): attributes, parents and optional tags. */
export interface CedarEntity {
  uid: EntityUid;
  attrs: Record<string, unknown>;
  parents: EntityUid[];
  tags?: Record<string, string>;
}

/** One authorization request, formed the way Rex forms it (rex.md §4.2). */
export interface AuthzRequest {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  context: Record<string, unknown>;
  entities: CedarEntity[];
}

/**
 * The answer to one request. `allowed` is true only for a successful evaluation that returned allow;
 * an engine failure (`error` set) is always a deny.
 */
export interface AuthzDecision {
  allowed: boolean;
  /** Ids of the policies that determined the decision (permits on allow, forbids on an explicit deny). */
  policies: string[];
  /** Set when the engine failed (request not valid for the schema, unknown policy set …). */
  error?: string;
  /** Policies that failed to evaluate (Cedar skips them, as Rex does); recorded for the trail. */
  policyErrors?: string[];
}

/** Something that answers authorization requests synchronously. */
export type Authorizer = (request: AuthzRequest) => AuthzDecision;

/** One entry of the decision trail (every request, allow and deny). */
export interface DecisionRecord {
  principal: string;
  action: string;
  resource: string;
  decision: "allow" | "deny";
  policies: string[];
  error?: string;
}

/** Formats a uid the way Cedar prints it: `Type::"id"`. */
export function formatUid(uid: EntityUid): string {
  return `${uid.type}::${JSON.stringify(uid.id)}`;
}
