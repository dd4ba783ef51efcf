import type { Runtime } from "../runtime.js";
import { callFnPtr, fnPtrArity } from "../runtime.js";
import type { FnPtr, Value } from "../values.js";

/**
 * Rhai's `call_raw_with_extra_args`: calls a callback with `args`, binding the element as `this`,
 * or — when the callback takes more parameters — passing the element at position `move` (null = never)
 * and the index as an extra trailing argument. Changes to `this` are written to `holder[i]`.
 */
export function callWithItem(
  rt: Runtime,
  fp: FnPtr,
  holder: Value[] | null,
  i: number,
  item: Value,
  args: Value[],
  move: number | null,
): Value {
  const P = fnPtrArity(rt, fp);
  const N = args.length;
  const pos = rt.position;
  if (P >= 0) {
    if (P === N) {
      const ref = { v: item };
      const r = callFnPtr(rt, fp, args, ref, pos);
      if (holder && ref.v !== item) holder[i] = ref.v;
      return r;
    }
    if (move !== null) {
      if (P === N + 1) {
        const a2 = [...args];
        a2.splice(move, 0, item);
        return callFnPtr(rt, fp, a2, null, pos);
      }
      if (P === N + 2) {
        const a2 = [...args, i];
        a2.splice(move, 0, item);
        return callFnPtr(rt, fp, a2, null, pos);
      }
    }
    if (P === N + 1) {
      const ref = { v: item };
      const r = callFnPtr(rt, fp, [...args, i], ref, pos);
      if (holder && ref.v !== item) holder[i] = ref.v;
      return r;
    }
  }
  // native function (or arity mismatch): call as a method on the item, else with the item as argument
  if (move !== null) {
    const a2 = [...args];
    a2.splice(move, 0, item);
    return callFnPtr(rt, fp, a2, null, pos);
  }
  const ref = { v: item };
  const r = callFnPtr(rt, fp, args, ref, pos);
  if (holder && ref.v !== item) holder[i] = ref.v;
  return r;
}
