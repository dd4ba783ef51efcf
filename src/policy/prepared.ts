import { SigrunError, sha256Hex } from "../core/index.js";
import type { CedarModule } from "./cedar-module.js";
import { loadCedar } from "./cedar-module.js";
import type { SchemaSource } from "./schema.js";

/** Caps on policy input (Rex has none; these are far above any real policy). */
export const MAX_POLICY_BYTES = 1024 * 1024;
export const MAX_POLICIES = 10_000;

const ID_ANNOTATION = /^\s*@id\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/;

export function sha256(text: string): string {
  return sha256Hex(text);
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
export interface Findings {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** What loading one policy set against one schema produced (the same for every engine using them). */
export interface PreparedPolicy {
  readonly setId: string;
  readonly policyHash: string;
  readonly policyIds: readonly string[];
  /** Validates on the first call, then answers from memory. Throws POLICY_INVALID if validation fails. */
  findings(): Findings;
}

export interface PreparedSchema {
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
export function prepareSchema(source: SchemaSource): PreparedSchema {
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

export function preparePolicy(text: string, schema: PreparedSchema): PreparedPolicy {
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

function hint(help: string | null): string {
  return help ? ` (${help})` : "";
}
