import { debugString, toDebug } from "../format.js";
import { checkSize } from "../limits-check.js";
import type { FnRegistry } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { callFnPtr, fnPtrArity } from "../runtime.js";
import { FnPtr, RBlob, type RMap, sortedKeys, type Value } from "../values.js";
import { def, fnArg, truthy } from "./util.js";

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
  def(r, ["len", "get$len"], ["map"], ([m]) => m.size);
  def(r, ["is_empty", "get$is_empty"], ["map"], ([m]) => m.size === 0);
  def(r, "keys", ["map"], ([m]) => sortedKeys(m));
  def(r, "values", ["map"], ([m]) => sortedKeys(m).map((k) => m.get(k)));
  def(r, "contains", ["map", "string"], ([m, k]) => m.has(k));
  def(r, "contains", ["map", "char"], ([m, k]) => m.has(k.c));
  def(r, "get", ["map", "string"], ([m, k]) => m.get(k));
  def(r, "set", ["map", "string", "any"], ([m, k, v], rt) => {
    m.set(k, v);
    checkSize(rt, m, rt.position);
  });
  def(r, "remove", ["map", "string"], ([m, k]) => {
    const v = m.get(k);
    m.delete(k);
    return v;
  });
  def(r, "clear", ["map"], ([m]) => {
    m.clear();
  });
  def(r, "mixin", ["map", "map"], ([m, o], rt) => {
    for (const [k, v] of o) m.set(k, v);
    checkSize(rt, m, rt.position);
  });
  def(r, "fill_with", ["map", "map"], ([m, o], rt) => {
    for (const [k, v] of o) if (!m.has(k)) m.set(k, v);
    checkSize(rt, m, rt.position);
  });
  const cb = (rt: Runtime, fp: FnPtr, k: string, v: Value): Value => {
    // one parameter: the key, with the value as `this`; otherwise (key, value)
    const ar = fnPtrArity(rt, fp);
    return callFnPtr(rt, fp, ar === 1 ? [k] : [k, v], { v }, rt.position);
  };
  def(r, "filter", ["map", "any"], ([m, f], rt) => {
    const fp = fnArg(f);
    const out: RMap = new Map();
    for (const k of sortedKeys(m)) {
      const v = m.get(k);
      if (truthy(cb(rt, fp, k, v), "filter")) out.set(k, v);
    }
    return out;
  });
  def(r, "map", ["map", "any"], ([m, f], rt) => {
    const fp = fnArg(f);
    const out: RMap = new Map();
    for (const k of sortedKeys(m)) out.set(k, cb(rt, fp, k, m.get(k)));
    return out;
  });
  for (const name of ["retain", "drain"]) {
    def(r, name, ["map", "any"], ([m, f], rt) => {
      const fp = fnArg(f);
      const removed: RMap = new Map();
      for (const k of sortedKeys(m)) {
        const v = m.get(k);
        let hit: boolean;
        try {
          hit = truthy(cb(rt, fp, k, v), name);
        } catch (err) {
          // as in Rhai, the entry whose callback failed is dropped along with those already removed
          m.delete(k);
          throw err;
        }
        if (hit === (name === "drain")) {
          removed.set(k, v);
          m.delete(k);
        }
      }
      return removed;
    });
  }
  def(r, "to_json", ["map"], ([m]) => toJson(m));
}
