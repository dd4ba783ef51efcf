import { RhaiError } from "../errors.js";
import { toDebug } from "../format.js";
import { checkSize } from "../limits-check.js";
import type { FnRegistry } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { callFnPtr } from "../runtime.js";
import { FnPtr, RBlob, RChar, RFloat, type RMap, sortedKeys, type Value } from "../values.js";
import { def, fnArg, truthy } from "./util.js";

function key(v: Value): string {
  if (typeof v === "string") return v;
  if (v instanceof RChar) return v.c;
  throw new RhaiError("ErrorMismatchDataType", "map key must be a string");
}

/** JSON text of a value (Rhai's `to_json`). */
export function toJson(v: Value): string {
  if (v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof RFloat) return Number.isFinite(v.v) ? toDebug(v) : "null";
  if (v instanceof RChar) return JSON.stringify(v.c);
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  if (v instanceof Map)
    return `{${sortedKeys(v)
      .map((k) => `${JSON.stringify(k)}:${toJson(v.get(k))}`)
      .join(",")}}`;
  if (v instanceof RBlob) return `[${v.bytes.join(",")}]`;
  if (v instanceof FnPtr) return JSON.stringify(v.name);
  return JSON.stringify(String(v));
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
    const ar = fp.closure ? fp.closure.params.length - fp.curry.length : 2;
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
        const hit = truthy(cb(ctx, fp, k, v), name);
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
