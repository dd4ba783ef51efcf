import { SigrunError, utf8Decode } from "../core/index.js";
import { createPolicyEngine } from "../policy/index.js";
import { Engine } from "../script/index.js";

/**
 * What `bundle create` and `bundle sign` check before a bundle is made or signed: the script parses (Rhai
 * syntax; functions and variables are resolved only when it runs) and the policy parses and validates
 * against the Rex schema, as the runner will require. Throws SCRIPT_PARSE_ERROR or POLICY_INVALID.
 */
export function checkBundleSources(script: Uint8Array, policy: Uint8Array): void {
  const c = new Engine().compile(utf8Decode(script, "script"));
  if (!c.ok) {
    const p = c.error.position;
    const at = p ? ` (line ${p.line}, position ${p.column})` : "";
    throw new SigrunError("SCRIPT_PARSE_ERROR", `script: ${c.error.message}${at}`);
  }
  createPolicyEngine({ policy: utf8Decode(policy, "policy"), strict: true });
}
