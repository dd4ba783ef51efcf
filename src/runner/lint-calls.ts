import type { ActionReach } from "../policy/index.js";
import { neverPermitted } from "../policy/index.js";
import type { ScriptCall } from "../script/index.js";
import { buildEngine } from "./engine-bridge.js";
import { hostActions } from "./host-actions.js";
import { ScriptLog } from "./logs.js";
import { Monitoring } from "./monitoring.js";

/** A host function a script call may reach that needs an action the policy never permits. */
export interface BlockedCall {
  /** As written: `cat`, `.read`, `ns::f`. */
  readonly call: string;
  readonly line: number;
  readonly col: number;
  /** The registered host function (`cat`, `FileHandle.read`). */
  readonly function: string;
  /** Every host function the call may reach (a method name shared by several types lists each). */
  readonly candidates: readonly string[];
  /** Every call of `function` needs one of each group, and none of a group is ever permitted. */
  readonly required: readonly (readonly string[])[];
  /** Actions `function` requests on some paths only that are never permitted. */
  readonly optional: readonly string[];
  readonly severity: "error" | "warning";
}

/** Every name the runner's engine registers (`cat`, `FileHandle.read`, `grep::i`). */
export function registeredNames(): ReadonlySet<string> {
  const { binder } = buildEngine({
    host: { user: "lint", authorize: () => ({ allowed: false, policies: [] }) },
    log: new ScriptLog(),
    monitoring: new Monitoring(),
  });
  return binder.names;
}

/**
 * The Cedar-gated host functions a written call may reach. Registered methods are also functions whose
 * first argument is the receiver (Rhai), and functions may be called method-style: `f(x)` is matched to
 * the plain function `f` when one is registered, else to every type's method `f`; `x.m()` to every
 * type's method `m` when one is registered, else to the plain function `m`.
 */
export function callCandidates(call: ScriptCall, registered: ReadonlySet<string>): string[] {
  const gated = (names: Iterable<string>): string[] =>
    [...names].filter((n) => hostActions(n) !== undefined).sort();
  if (call.ns !== null) return gated([`${call.ns}::${call.name}`].filter((n) => registered.has(n)));
  const plain = registered.has(call.name) ? [call.name] : [];
  const methods = [...registered].filter((n) => n.endsWith(`.${call.name}`) && !n.includes("::"));
  if (call.kind === "fn") return gated(plain.length > 0 || call.args === 0 ? plain : methods);
  return gated(methods.length > 0 ? methods : plain);
}

/**
 * The calls of a script that may reach a host function needing an action `reach` never permits. An
 * `error` when every host function the call may reach has a required action never permitted (the call
 * is refused whenever it runs); a `warning` when only some of them do. Optional actions never
 * permitted are listed with a finding, never reported alone.
 */
export function blockedCalls(
  calls: readonly ScriptCall[],
  reach: ActionReach,
  registered: ReadonlySet<string> = registeredNames(),
): BlockedCall[] {
  const out: BlockedCall[] = [];
  for (const call of calls) {
    const candidates = callCandidates(call, registered);
    const found: Omit<BlockedCall, "severity">[] = [];
    for (const fn of candidates) {
      const a = hostActions(fn)!;
      const required = a.required.filter((g) => g.every((x) => neverPermitted(reach, x)));
      const optional = a.optional.filter((x) => neverPermitted(reach, x));
      if (required.length === 0) continue; // optional actions alone: the call may well succeed
      const written =
        call.ns !== null ? `${call.ns}::${call.name}` : call.kind === "method" ? `.${call.name}` : call.name;
      found.push({
        call: written,
        line: call.line,
        col: call.col,
        function: fn,
        candidates,
        required,
        optional,
      });
    }
    const certain = found.filter((f) => f.required.length > 0).length === candidates.length;
    for (const f of found)
      out.push({ ...f, severity: certain && f.required.length > 0 ? "error" : "warning" });
  }
  return out;
}
