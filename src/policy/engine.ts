import { SigrunError } from "../core/index.js";
import { loadCedar } from "./cedar-module.js";
import { MAX_POLICY_BYTES, type PreparedPolicies, preparePolicy, prepareSchema } from "./prepared.js";
import { rexSchema, schemaFromText } from "./schema.js";
import type { AuthzDecision, AuthzRequest } from "./types.js";

export { MAX_POLICIES, MAX_POLICY_BYTES, PreparedPolicies } from "./prepared.js";

export interface PolicyEngineOptions {
  /** Cedar policy set text (any number of permit/forbid). */
  policy: string;
  /** Schema text; defaults to Rex's schema shipped in `schema/`. */
  schema?: string;
  /** Validation errors against the schema fail loading (POLICY_INVALID) instead of being warnings. */
  strict?: boolean;
  /**
   * Entries of the per-engine decision memo (default 4096; 0 = off). A decision is a pure function of
   * the request (principal, action, resource, context, entities) and the policy set, so an identical
   * request gets the identical answer without asking the wasm engine again.
   */
  cacheSize?: number;
  /**
   * Parsed-and-validated policy sets and schemas of this thread, reused across engines (runs) keyed by
   * their SHA-256, so a warm worker pays the schema parse and the policy validation once per policy.
   */
  prepared?: PreparedPolicies;
}

export interface PolicyEngine {
  /** SHA-256 (hex) of the policy text: the key of the pre-parsed policy set. */
  readonly policyHash: string;
  /** Policy ids in order (`@id("…")` when given and unique, else `policy<N>`). */
  readonly policyIds: readonly string[];
  /**
   * Schema validation findings (errors too, unless `strict`). Without `strict` the policy set is
   * validated on the first read of this member, not at load: a run that reports no findings skips it.
   */
  readonly warnings: readonly string[];
  /** Evaluates one request; any engine failure is a deny with `error` set. Never throws. */
  authorize(request: AuthzRequest): AuthzDecision;
}

/**
 * Parses a policy set, validates it against the schema (findings are warnings unless `strict`), and
 * pre-parses policy set and schema inside cedar-wasm keyed by their SHA-256, so each decision costs one
 * `statefulIsAuthorized` call. With `prepared`, a policy set and schema this thread already loaded are
 * reused instead of parsed and validated again; the decision memo is always the engine's own.
 */
export function createPolicyEngine(opts: PolicyEngineOptions): PolicyEngine {
  if (Buffer.byteLength(opts.policy, "utf8") > MAX_POLICY_BYTES) {
    throw new SigrunError("POLICY_INVALID", `policy: expected at most ${MAX_POLICY_BYTES} bytes`);
  }
  const cedar = loadCedar();
  const source = opts.schema === undefined ? rexSchema() : schemaFromText(opts.schema);
  const cache = opts.prepared;
  const schema = cache ? cache.schema(source) : prepareSchema(source);
  const schemaName = schema.name;
  const prepared = cache ? cache.policy(opts.policy, schema) : preparePolicy(opts.policy, schema);
  const { setId, policyHash } = prepared;
  let warnings: readonly string[] | undefined;
  if (opts.strict) {
    const { errors, warnings: found } = prepared.findings();
    if (errors.length > 0) {
      throw new SigrunError("POLICY_INVALID", `policy: not valid for the schema: ${errors.join("; ")}`);
    }
    warnings = found;
  }
  const cacheSize = opts.cacheSize ?? 4096;
  const memo = new Map<string, AuthzDecision>();
  const evaluate = (request: AuthzRequest): AuthzDecision => {
    try {
      schema.ensureParsed();
      const answer = cedar.statefulIsAuthorized({
        principal: request.principal,
        action: request.action,
        resource: request.resource,
        context: request.context as never,
        entities: request.entities as never,
        preparsedPolicySetId: setId,
        preparsedSchemaName: schemaName,
        validateRequest: true,
      });
      if (answer.type !== "success") {
        return { allowed: false, policies: [], error: answer.errors.map((e) => e.message).join("; ") };
      }
      const { decision, diagnostics } = answer.response;
      const out: AuthzDecision = { allowed: decision === "allow", policies: diagnostics.reason };
      if (diagnostics.errors.length > 0) {
        out.policyErrors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
      }
      return out;
    } catch (err) {
      return { allowed: false, policies: [], error: `engine failure: ${(err as Error).message}` };
    }
  };
  return {
    policyHash,
    policyIds: [...prepared.policyIds],
    get warnings(): readonly string[] {
      if (warnings === undefined) {
        try {
          const { errors, warnings: found } = prepared.findings();
          warnings = [...errors, ...found];
        } catch (err) {
          // unreachable in practice: the policy set and the schema both parsed already
          warnings = [(err as Error).message];
        }
      }
      return warnings;
    },
    authorize(request: AuthzRequest): AuthzDecision {
      if (cacheSize <= 0) return evaluate(request);
      let key: string;
      try {
        key = JSON.stringify(request);
      } catch {
        return evaluate(request);
      }
      const hit = memo.get(key);
      if (hit) return { ...hit, policies: [...hit.policies] };
      const d = evaluate(request);
      if (d.error === undefined) {
        if (memo.size >= cacheSize) memo.clear();
        memo.set(key, d);
      }
      return { ...d, policies: [...d.policies] };
    },
  };
}
