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

/** What loading one policy set against one schema produced (the same for every engine using them). */
interface PreparedPolicy {
  readonly setId: string;
  readonly policyHash: string;
  readonly policyIds: readonly string[];
  /** Validation errors (fatal with `strict`). */
  readonly errors: readonly string[];
  /** Validation warnings. */
  readonly warnings: readonly string[];
}

interface PreparedSchema {
  readonly name: string;
  readonly text: string;
}

/**
 * The policy sets and schemas pre-parsed inside cedar-wasm by this thread (cedar-wasm keeps them in
 * thread-local storage under their id; there is no delete, and preparsing the same id again replaces
 * it with the same content). An entry is keyed by the SHA-256 of the schema and policy text, so a hit
 * is exactly the work a miss would redo. Parse or validation failures are not kept. Create one per
 * worker thread and pass it to every `createPolicyEngine` of that thread.
 */
export class PreparedPolicies {
  private readonly schemas = new Map<string, PreparedSchema>();
  private readonly policies = new Map<string, PreparedPolicy>();

  constructor(private readonly maxEntries = 256) {}

  /** Entries kept (schemas + policy sets). */
  get size(): number {
    return this.schemas.size + this.policies.size;
  }

  schema(text: string): PreparedSchema {
    const hash = sha256(text);
    const hit = this.schemas.get(hash);
    if (hit) return hit;
    const prepared = prepareSchema(text, hash);
    if (this.schemas.size >= 16) this.schemas.clear();
    this.schemas.set(hash, prepared);
    return prepared;
  }

  policy(text: string, schema: PreparedSchema): PreparedPolicy {
    const key = `${schema.name}/${sha256(text)}`;
    const hit = this.policies.get(key);
    if (hit) {
      // most recently used last, so eviction drops the oldest
      this.policies.delete(key);
      this.policies.set(key, hit);
      return hit;
    }
    const prepared = preparePolicy(text, schema);
    if (this.policies.size >= this.maxEntries) {
      const oldest = this.policies.keys().next().value;
      if (oldest !== undefined) this.policies.delete(oldest);
    }
    this.policies.set(key, prepared);
    return prepared;
  }
}

function prepareSchema(text: string, hash = sha256(text)): PreparedSchema {
  const cedar = loadCedar();
  const name = `sigrun-schema-${hash}`;
  const answer = cedar.preparseSchema(name, text);
  if (answer.type !== "success") {
    throw new SigrunError(
      "SCHEMA_INVALID",
      `schema: does not parse: ${answer.errors.map((e) => e.message).join("; ")}`,
    );
  }
  return { name, text };
}

function preparePolicy(text: string, schema: PreparedSchema): PreparedPolicy {
  if (Buffer.byteLength(text, "utf8") > MAX_POLICY_BYTES) {
    throw new SigrunError("POLICY_INVALID", `policy: expected at most ${MAX_POLICY_BYTES} bytes`);
  }
  const cedar = loadCedar();
  const policies = splitPolicies(text);
  const policyHash = sha256(text);
  const setId = `sigrun-policy-${policyHash}`;
  const parsed = cedar.preparsePolicySet(setId, { staticPolicies: policies });
  if (parsed.type !== "success") {
    throw new SigrunError(
      "POLICY_INVALID",
      `policy: does not parse: ${parsed.errors.map((e) => e.message).join("; ")}`,
    );
  }
  const validation = cedar.validate({
    schema: schema.text,
    policies: { staticPolicies: policies },
    validationSettings: { mode: "strict" },
  });
  if (validation.type !== "success") {
    throw new SigrunError(
      "POLICY_INVALID",
      `policy: validation failed: ${validation.errors.map((e) => e.message).join("; ")}`,
    );
  }
  return {
    setId,
    policyHash,
    policyIds: Object.keys(policies),
    errors: validation.validationErrors.map((e) => `${e.error.message}${hint(e.error.help)}`),
    warnings: validation.validationWarnings.map((w) => `${w.error.message}${hint(w.error.help)}`),
  };
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
  const schemaText = opts.schema ?? loadRexSchema();
  const cache = opts.prepared;
  const schema = cache ? cache.schema(schemaText) : prepareSchema(schemaText);
  const schemaName = schema.name;
  const prepared = cache ? cache.policy(opts.policy, schema) : preparePolicy(opts.policy, schema);
  const { setId, policyHash } = prepared;
  if (opts.strict && prepared.errors.length > 0) {
    throw new SigrunError(
      "POLICY_INVALID",
      `policy: not valid for the schema: ${prepared.errors.join("; ")}`,
    );
  }
  const warnings = [...prepared.errors, ...prepared.warnings];
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
    policyIds: [...prepared.policyIds],
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
