import { RhaiError } from "../errors.js";
import { debugString, toDebug } from "../format.js";
import { checkSize } from "../limits-check.js";
import type { FnRegistry } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { callFnPtr, fnPtrArity } from "../runtime.js";
import { FnPtr, RBlob, RChar, type RMap, sortedKeys, type Value } from "../values.js";
import { def, fnArg, truthy } from "./util.js";

function key(v: Value): string {
  if (typeof v === "string") return v;
  if (v instanceof RChar) return v.c;
  throw new RhaiError("ErrorMismatchDataType", "map key must be a string");
}

/**
 * Text of a value as Rhai's `to_json` writes it (`format_map_as_json` in src/api/json.rs): keys and
 * strings in Rust's Debug form, `()` as null, a curried function pointer as `[name, curry…]`, and every
 * other value (chars, floats incl. inf/NaN) in its Debug form — so a char gives `'x'`, as in Rhai.
 */
export function toJson(v: Value): string {
  if (v === undefined) return "null";
  if (typeof v === "string") return debugString(v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  if (v instanceof Map)
    return `{${sortedKeys(v)
      .map((k) => `${debugString(k)}:${toJson(v.get(k))}`)
      .join(",")}}`;
  if (v instanceof RBlob) return `[${v.bytes.join(",")}]`;
  if (v instanceof FnPtr)
    return v.curry.length === 0
      ? debugString(v.name)
      : `[${[debugString(v.name), ...v.curry.map((c) => toJson(c as Value))].join(",")}]`;
  return toDebug(v);
}

export function registerMap(r: FnRegistry): void {
  def(r, ["len", "get$len"], ["map"], ([m]) => (m as RMap).size);
  def(r, ["is_empty", "get$is_empty"], ["map"], ([m]) => (m as RMap).size === 0);
  def(r, "keys", ["map"], ([m]) => sortedKeys(m as RMap));
  def(r, "values", ["map"], ([m]) => sortedKeys(m as RMap).map((k) => (m as RMap).get(k)));
  def(r, "contains", ["map", "string"], ([m, k]) => (m as RMap).has(k as string));
  def(r, "contains", ["map", "char"], ([m, k]) => (m as RMap).has(key(k)));
  def(r, "get", ["map", "string"], ([m, k]) => (m as RMap).get(k as string));
  def(r, "set", ["map", "string", "any"], ([m, k, v], ctx) => {
    (m as RMap).set(k as string, v);
    checkSize(ctx as Runtime, m, ctx.position);
  });
  def(r, "remove", ["map", "string"], ([m, k]) => {
    const mm = m as RMap;
    const v = mm.get(k as string);
    mm.delete(k as string);
    return v;
  });
  def(r, "clear", ["map"], ([m]) => {
    (m as RMap).clear();
  });
  def(r, "mixin", ["map", "map"], ([m, o], ctx) => {
    for (const [k, v] of o as RMap) (m as RMap).set(k, v);
    checkSize(ctx as Runtime, m, ctx.position);
  });
  def(r, "fill_with", ["map", "map"], ([m, o], ctx) => {
    for (const [k, v] of o as RMap) if (!(m as RMap).has(k)) (m as RMap).set(k, v);
    checkSize(ctx as Runtime, m, ctx.position);
  });
  const cb = (ctx: unknown, fp: FnPtr, k: string, v: Value): Value => {
    const rt = ctx as Runtime;
    // one parameter: the key, with the value as `this`; otherwise (key, value)
    const ar = fnPtrArity(rt, fp);
    return callFnPtr(rt, fp, ar === 1 ? [k] : [k, v], { v }, rt.position);
  };
  def(r, "filter", ["map", "any"], ([m, f], ctx) => {
    const fp = fnArg(f);
    const out: RMap = new Map();
    for (const k of sortedKeys(m as RMap)) {
      const v = (m as RMap).get(k);
      if (truthy(cb(ctx, fp, k, v), "filter")) out.set(k, v);
    }
    return out;
  });
  def(r, "map", ["map", "any"], ([m, f], ctx) => {
    const fp = fnArg(f);
    const out: RMap = new Map();
    for (const k of sortedKeys(m as RMap)) out.set(k, cb(ctx, fp, k, (m as RMap).get(k)));
    return out;
  });
  for (const name of ["retain", "drain"]) {
    def(r, name, ["map", "any"], ([m, f], ctx) => {
      const fp = fnArg(f);
      const mm = m as RMap;
      const removed: RMap = new Map();
      for (const k of sortedKeys(mm)) {
        const v = mm.get(k);
        let hit: boolean;
        try {
          hit = truthy(cb(ctx, fp, k, v), name);
        } catch (err) {
          // as in Rhai, the entry whose callback failed is dropped along with those already removed
          mm.delete(k);
          throw err;
        }
        if (hit === (name === "drain")) {
          removed.set(k, v);
          mm.delete(k);
        }
      }
      return removed;
    });
  }
  def(r, "to_json", ["map"], ([m]) => toJson(m));
}
