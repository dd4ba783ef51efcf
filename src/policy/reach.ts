import { loadCedar } from "./cedar-module.js";
import { rexSchema } from "./schema.js";

/** Which actions a policy set can ever permit, as far as its text and Rex's schema tell. */
export interface ActionReach {
  /** Actions (`ns::Action::"verb"`) some permit applies to for some request the schema allows. */
  readonly permitted: ReadonlySet<string>;
  /** Actions an unconditional forbid (any principal, any resource, no condition) covers. */
  readonly forbidden: ReadonlySet<string>;
}

const trivial = (conditions: readonly { kind: string; body: unknown }[]): boolean =>
  conditions.every((c) => c.kind === "when" && JSON.stringify(c.body) === JSON.stringify({ Value: true }));

/**
 * For each policy, Cedar's own typechecker (`getValidRequestEnvsPolicy`) lists the request environments
 * (principal type, action, resource type) the policy can apply to under the schema — a permit with a
 * `when { false }`, or whose resource scope or condition fits no resource type of an action, drops that
 * action. An action is permitted by nobody when no permit lists it, or when a forbid with no principal,
 * resource or condition constraint covers it. Conservative by construction: a permit whose condition may
 * still be false at run time counts as permitting; so does one for a principal that may be the one asking
 * (`opts.principal`). Undefined when the policy set does not parse or
 * validate (its findings say why).
 */
export function actionReach(
  text: string,
  opts: {
    /** Whether this entity can be the request's principal (bundle mode: the signer's key id). A permit
     * whose scope is `principal == E` for an E that cannot be does not count. Default: any can. */
    principal?: (uid: { type: string; id: string }) => boolean;
  } = {},
): ActionReach | undefined {
  const cedar = loadCedar();
  const schema = rexSchema().schema as never;
  const parts = cedar.policySetTextToParts(text);
  if (parts.type !== "success") return undefined;
  const permitted = new Set<string>();
  const forbidden = new Set<string>();
  for (const p of parts.policies) {
    const json = cedar.policyToJson(p);
    if (json.type !== "success") return undefined;
    const envs = cedar.getValidRequestEnvsPolicy(p, schema);
    if (envs.type !== "success") return undefined;
    const { effect, principal, resource, conditions } = json.json;
    const scope = principal as { op: string; entity?: { type: string; id: string } };
    const impossible =
      scope.op === "==" && scope.entity !== undefined && opts.principal?.(scope.entity) === false;
    if (effect === "permit") {
      if (!impossible) for (const a of envs.actions) permitted.add(a);
    } else if (principal.op === "All" && resource.op === "All" && trivial(conditions))
      for (const a of envs.actions) forbidden.add(a);
  }
  return { permitted, forbidden };
}

/** Whether no request for `action` can ever be allowed by the policy set `reach` describes. */
export function neverPermitted(reach: ActionReach, action: string): boolean {
  return !reach.permitted.has(action) || reach.forbidden.has(action);
}
