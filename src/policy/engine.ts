import { createHash } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { loadCedar } from "./cedar-module.js";
import { loadRexSchema } from "./schema.js";
import type { AuthzDecision, AuthzRequest } from "./types.js";

/** Caps on policy input (Rex has none; these are far above any real policy). */
export const MAX_POLICY_BYTES = 1024 * 1024;
export const MAX_POLICIES = 10_000;

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
}

export interface PolicyEngine {
  /** SHA-256 (hex) of the policy text: the key of the pre-parsed policy set. */
  readonly policyHash: string;
  /** Policy ids in order (`@id("…")` when given and unique, else `policy<N>`). */
  readonly policyIds: readonly string[];
  /** Schema validation findings (errors too, unless `strict`). */
  readonly warnings: readonly string[];
  /** Evaluates one request; any engine failure is a deny with `error` set. Never throws. */
  authorize(request: AuthzRequest): AuthzDecision;
}

const ID_ANNOTATION = /^\s*@id\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/;

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function splitPolicies(policy: string): Record<string, string> {
  const cedar = loadCedar();
  const parts = cedar.policySetTextToParts(policy);
  if (parts.type !== "success") {
    throw new SigrunError(
      "POLICY_INVALID",
      `policy: does not parse: ${parts.errors.map((e) => e.message).join("; ")}`,
    );
  }
  if (parts.policy_templates.length > 0) {
    throw new SigrunError("POLICY_INVALID", "policy: templates are not supported (expected static policies)");
  }
  if (parts.policies.length > MAX_POLICIES) {
    throw new SigrunError("POLICY_INVALID", `policy: expected at most ${MAX_POLICIES} policies`);
  }
  const out: Record<string, string> = {};
  parts.policies.forEach((text, i) => {
    const m = ID_ANNOTATION.exec(text);
    let id = m ? m[1]! : `policy${i}`;
    if (id in out) id = `policy${i}`;
    out[id] = text;
  });
  return out;
}

/**
 * Parses a policy set, validates it against the schema (findings are warnings unless `strict`), and
 * pre-parses policy set and schema inside cedar-wasm keyed by their SHA-256, so each decision costs one
 * `statefulIsAuthorized` call.
 */
export function createPolicyEngine(opts: PolicyEngineOptions): PolicyEngine {
  if (Buffer.byteLength(opts.policy, "utf8") > MAX_POLICY_BYTES) {
    throw new SigrunError("POLICY_INVALID", `policy: expected at most ${MAX_POLICY_BYTES} bytes`);
  }
  const cedar = loadCedar();
  const schema = opts.schema ?? loadRexSchema();
  const schemaName = `sigrun-schema-${sha256(schema)}`;
  const schemaAnswer = cedar.preparseSchema(schemaName, schema);
  if (schemaAnswer.type !== "success") {
    throw new SigrunError(
      "SCHEMA_INVALID",
      `schema: does not parse: ${schemaAnswer.errors.map((e) => e.message).join("; ")}`,
    );
  }
  const policies = splitPolicies(opts.policy);
  const policyHash = sha256(opts.policy);
  const setId = `sigrun-policy-${policyHash}`;
  const parsed = cedar.preparsePolicySet(setId, { staticPolicies: policies });
  if (parsed.type !== "success") {
    throw new SigrunError(
      "POLICY_INVALID",
      `policy: does not parse: ${parsed.errors.map((e) => e.message).join("; ")}`,
    );
  }
  const warnings: string[] = [];
  const validation = cedar.validate({
    schema,
    policies: { staticPolicies: policies },
    validationSettings: { mode: "strict" },
  });
  if (validation.type !== "success") {
    throw new SigrunError(
      "POLICY_INVALID",
      `policy: validation failed: ${validation.errors.map((e) => e.message).join("; ")}`,
    );
  }
  const errors = validation.validationErrors.map((e) => `${e.error.message}${hint(e.error.help)}`);
  if (opts.strict && errors.length > 0) {
    throw new SigrunError("POLICY_INVALID", `policy: not valid for the schema: ${errors.join("; ")}`);
  }
  warnings.push(...errors);
  for (const w of validation.validationWarnings) warnings.push(`${w.error.message}${hint(w.error.help)}`);

  const cacheSize = opts.cacheSize ?? 4096;
  const memo = new Map<string, AuthzDecision>();
  const evaluate = (request: AuthzRequest): AuthzDecision => {
    try {
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
    policyIds: Object.keys(policies),
    warnings,
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

function hint(help: string | null): string {
  return help ? ` (${help})` : "";
}
