import type { DetailedError } from "@cedar-policy/cedar-wasm/nodejs";
import { loadCedar } from "./cedar-module.js";
import { MAX_POLICIES, MAX_POLICY_BYTES } from "./prepared.js";
import { rexSchema } from "./schema.js";

/** One problem in a policy text, with its 1-based line and column when Cedar gives a location. */
export interface PolicyProblem {
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
}

/** Everything wrong with a policy set as the runner would load it (strict validation, Rex's schema). */
export interface PolicyFindings {
  /** `parse`: it does not parse (or breaks a cap); `validate`: it parses but is not valid for the schema. */
  readonly stage: "ok" | "parse" | "validate";
  readonly errors: readonly PolicyProblem[];
  readonly warnings: readonly PolicyProblem[];
}

function at(text: string, offset: number): { line: number; col: number } {
  const before = Buffer.from(text, "utf8").subarray(0, offset).toString("utf8");
  const lines = before.split("\n");
  return { line: lines.length, col: lines.at(-1)!.length + 1 };
}

function problem(text: string, e: DetailedError): PolicyProblem {
  const loc = e.sourceLocations?.[0];
  const msg = `${e.message}${e.help ? ` (${e.help})` : ""}`;
  return loc ? { message: msg, ...at(text, loc.start) } : { message: msg };
}

/**
 * All the parse errors, or all the validation errors and warnings, of a policy set against Rex's schema
 * in strict mode — what `sigrun run` and the agent refuse (POLICY_INVALID) — without stopping at the
 * first. `createPolicyEngine` stays the authority at run time; this is for reporting.
 */
export function policyFindings(text: string): PolicyFindings {
  if (Buffer.byteLength(text, "utf8") > MAX_POLICY_BYTES)
    return {
      stage: "parse",
      errors: [{ message: `expected at most ${MAX_POLICY_BYTES} bytes` }],
      warnings: [],
    };
  const cedar = loadCedar();
  const parts = cedar.policySetTextToParts(text);
  if (parts.type !== "success")
    return { stage: "parse", errors: parts.errors.map((e) => problem(text, e)), warnings: [] };
  if (parts.policy_templates.length > 0)
    return {
      stage: "parse",
      errors: [{ message: "templates are not supported (expected static policies)" }],
      warnings: [],
    };
  if (parts.policies.length > MAX_POLICIES)
    return {
      stage: "parse",
      errors: [{ message: `expected at most ${MAX_POLICIES} policies` }],
      warnings: [],
    };
  const v = cedar.validate({
    schema: rexSchema().schema as never,
    policies: { staticPolicies: text },
    validationSettings: { mode: "strict" },
  });
  if (v.type !== "success")
    return { stage: "validate", errors: v.errors.map((e) => problem(text, e)), warnings: [] };
  const errors = v.validationErrors.map((e) => problem(text, e.error));
  return {
    stage: errors.length > 0 ? "validate" : "ok",
    errors,
    warnings: v.validationWarnings.map((w) => problem(text, w.error)),
  };
}
