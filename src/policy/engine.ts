import { createHash } from "node:crypto";
import { SigrunError } from "../core/index.js";
import type { CedarModule } from "./cedar-module.js";
import { loadCedar } from "./cedar-module.js";
import { rexSchema, type SchemaSource, schemaFromText } from "./schema.js";
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
  /**
   * Schema validation findings (errors too, unless `strict`). Without `strict` the policy set is
   * validated on the first read of this member, not at load: a run that reports no findings skips it.
   */
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

/** Validating a policy set against its schema: errors (fatal with `strict`) and warnings. */
interface Findings {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** What loading one policy set against one schema produced (the same for every engine using them). */
interface PreparedPolicy {
  readonly setId: string;
  readonly policyHash: string;
  readonly policyIds: readonly string[];
  /** Validates on the first call, then answers from memory. Throws POLICY_INVALID if validation fails. */
  findings(): Findings;
}

interface PreparedSchema {
  readonly name: string;
  readonly source: SchemaSource;
  /** Pre-parses the schema inside cedar-wasm unless this thread already did; throws SCHEMA_INVALID. */
  ensureParsed(): void;
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

  schema(source: SchemaSource): PreparedSchema {
    const hit = this.schemas.get(source.key);
    if (hit) return hit;
    const prepared = prepareSchema(source);
    if (this.schemas.size >= 16) this.schemas.clear();
    this.schemas.set(source.key, prepared);
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

/**
 * A caller's schema is parsed now (its errors belong to loading). Rex's shipped schema, valid by
 * construction, is parsed on the first decision that needs it: a script without host calls never does.
 */
function prepareSchema(source: SchemaSource): PreparedSchema {
  const name = `sigrun-schema-${source.key}`;
  let parsed = false;
  const ensureParsed = (): void => {
    if (parsed) return;
    const answer = loadCedar().preparseSchema(
      name,
      source.schema as Parameters<CedarModule["preparseSchema"]>[1],
    );
    if (answer.type !== "success") {
      throw new SigrunError(
        "SCHEMA_INVALID",
        `schema: does not parse: ${answer.errors.map((e) => e.message).join("; ")}`,
      );
    }
    parsed = true;
  };
  if (!source.builtin) ensureParsed();
  return { name, source, ensureParsed };
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
  let findings: Findings | undefined;
  return {
    setId,
    policyHash,
    policyIds: Object.keys(policies),
    findings(): Findings {
      findings ??= validate(cedar, schema, policies);
      return findings;
    },
  };
}

/** Validates a parsed policy set against the schema (strict mode): errors and warnings with their help. */
function validate(cedar: CedarModule, schema: PreparedSchema, policies: Record<string, string>): Findings {
  const validation = cedar.validate({
    schema: schema.source.schema as Parameters<CedarModule["validate"]>[0]["schema"],
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

function hint(help: string | null): string {
  return help ? ` (${help})` : "";
}
