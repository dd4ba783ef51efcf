import { toDisplay } from "../format.js";
import type { Runtime } from "../runtime.js";
import { RCustom, type Value } from "../values.js";

/** `to_string` of a value, using a registered `to_string` for custom types. */
export function displayOf(rt: Runtime, v: Value): string {
  if (v instanceof RCustom) {
    const nf = rt.core.registry.resolve("to_string", [v]);
    // only a to_string registered for this type: the generic `to_string(any)` would call back here
    if (nf && nf.params?.[0] !== "any") {
      const r = rt.callNative(nf, [v], null);
      if (typeof r === "string") return r;
    }
  }
  return toDisplay(v);
}
