import { loadCedar } from "./cedar-module.js";

/**
 * The policies of `text` that permit every principal, every action and every resource with no
 * condition (or only `when { true }`), e.g. `permit (principal, action, resource);` — returned in
 * Cedar's own text form. A policy set that does not parse gives `undefined` (the caller says so).
 */
export function unrestrictedPermits(text: string): string[] | undefined {
  const cedar = loadCedar();
  const parts = cedar.policySetTextToParts(text);
  if (parts.type !== "success") return undefined;
  const found: string[] = [];
  for (const p of parts.policies) {
    const j = cedar.policyToJson(p);
    if (j.type !== "success") return undefined;
    const { effect, principal, action, resource, conditions } = j.json;
    if (effect !== "permit" || principal.op !== "All" || action.op !== "All" || resource.op !== "All")
      continue;
    const trivial = conditions.every(
      (c) => c.kind === "when" && JSON.stringify(c.body) === JSON.stringify({ Value: true }),
    );
    if (trivial) found.push(p.trim());
  }
  return found;
}
