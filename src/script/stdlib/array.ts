import { RhaiError } from "../errors.js";
import { checkLen, checkSize } from "../limits-check.js";
import { compareValues, valuesEqual } from "../ops.js";
import type { FnRegistry } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { callFnPtr } from "../runtime.js";
import { cloneValue, FnPtr, typeName, type Value } from "../values.js";
import { callElem, def, fnArg, int, RANGES, rwin, truthy, win } from "./util.js";
import { callWithItem } from "./util-call.js";

type Arr = Value[];

function idx(n: number, i: number): number {
  return i < 0 ? n + i : i;
}
/** Rhai's `calc_offset_len` start for get/set: a negative index counts from the end, clamped at 0. */
function clampIdx(n: number, i: number): number {
  return i < 0 ? Math.max(0, n + i) : i;
}
/** splice's window: like `win`, but len <= 0 inside the array is an empty window at start (an insert). */
function spliceWin(n: number, start: number, len: number): [number, number] {
  if (start < 0) start = Math.max(0, n + start);
  if (start >= n) return [n, n];
  return [start, Math.min(n, start + Math.max(0, len))];
}

function cmpFn(rt: Runtime, fp: FnPtr): (a: Value, b: Value) => number {
  return (a, b) => {
    const r = callFnPtr(rt, fp, [a, b], null, rt.position);
    if (typeof r === "number") return r;
    if (typeof r === "bigint") return r > 0n ? 1 : -1;
    // array_basic.rs sort_by: a bool result reads as true → Less, false → Greater
    if (typeof r === "boolean") return r ? -1 : 1;
    throw new RhaiError("ErrorMismatchDataType", `sort comparer must return an integer, not ${typeName(r)}`);
  };
}

function builtinCmp(a: Value, b: Value): number {
  const c = compareValues(a, b);
  if (c === null || typeName(a) !== typeName(b))
    throw new RhaiError("ErrorFunctionNotFound", `cannot compare ${typeName(a)} with ${typeName(b)}`);
  return c;
}

function rangeOps(r: FnRegistry, name: string, fn: (a: Arr, s: number, e: number) => Value): void {
  def(r, name, ["array", "i64", "i64"], ([arr, start, len]) => {
    const [s, e] = win(arr.length, int(start), int(len));
    return fn(arr, s, e);
  });
  for (const t of RANGES)
    def(r, name, ["array", t], ([arr, g]) => {
      const [s, e] = rwin(arr.length, g);
      return fn(arr, s, e);
    });
}

/** `index_of(name)`: the script function `name` as the filter, or, when there is none, the string itself. */
function indexOfNamed(rt: Runtime, arr: Arr, name: string, start: number): number {
  const st = start < 0 ? Math.max(0, arr.length + start) : start;
  if (!rt.code.fnNames.has(name)) {
    for (let i = st; i < arr.length; i++) if (valuesEqual(arr[i], name)) return i;
    return -1;
  }
  const fp = new FnPtr(name);
  for (let i = st; i < arr.length; i++) if (truthy(callElem(rt, fp, null, i, arr[i]), "index_of")) return i;
  return -1;
}

export function registerArray(r: FnRegistry): void {
  def(r, ["len", "get$len"], ["array"], ([a]) => a.length);
  def(r, ["is_empty", "get$is_empty"], ["array"], ([a]) => a.length === 0);
  def(r, "push", ["array", "any"], ([a, x], rt) => {
    a.push(x);
    if (!rt.sizeLimited) return;
    if (typeof x === "object") checkSize(rt, a, rt.position);
    else checkLen(rt, a.length, rt.position);
  });
  def(r, "append", ["array", "array"], ([a, b], rt) => {
    for (const x of b) a.push(x);
    checkSize(rt, a, rt.position);
  });
  def(r, "insert", ["array", "i64", "any"], ([arr, i, x], rt) => {
    let k = int(i);
    if (k < 0) k = Math.max(0, arr.length + k);
    arr.splice(Math.min(k, arr.length), 0, x);
    checkSize(rt, arr, rt.position);
  });
  def(r, "pop", ["array"], ([a]) => a.pop());
  def(r, "shift", ["array"], ([a]) => a.shift());
  def(r, "remove", ["array", "i64"], ([arr, i]) => {
    const k = idx(arr.length, int(i));
    return k >= 0 && k < arr.length ? arr.splice(k, 1)[0] : undefined;
  });
  def(r, "get", ["array", "i64"], ([arr, i]) => {
    const k = clampIdx(arr.length, int(i));
    return k >= 0 && k < arr.length ? arr[k] : undefined;
  });
  def(r, "set", ["array", "i64", "any"], ([arr, i, x]) => {
    const k = clampIdx(arr.length, int(i));
    if (k >= 0 && k < arr.length) arr[k] = x;
  });
  def(r, "clear", ["array"], ([a]) => {
    a.length = 0;
  });
  def(r, "truncate", ["array", "i64"], ([arr, n]) => {
    arr.length = Math.min(arr.length, Math.max(0, int(n)));
  });
  def(r, "chop", ["array", "i64"], ([arr, n]) => {
    const k = Math.max(0, int(n));
    if (arr.length > k) arr.splice(0, arr.length - k);
  });
  def(r, "pad", ["array", "i64", "any"], ([arr, n, x], rt) => {
    const k = int(n);
    const max = rt.limits.maxArraySize;
    if (max > 0 && k > max) throw new RhaiError("ErrorDataTooLarge", "size of array exceeds the limit");
    while (arr.length < k) arr.push(cloneValue(x));
    checkSize(rt, arr, rt.position);
  });
  def(r, "reverse", ["array"], ([a]) => {
    a.reverse();
  });
  def(r, "extract", ["array", "i64"], ([arr, s]) => {
    const [x, y] = win(arr.length, int(s), arr.length);
    return arr.slice(x, y);
  });
  rangeOps(r, "extract", (a, s, e) => a.slice(s, e));
  rangeOps(r, "drain", (a, s, e) => a.splice(s, e - s));
  rangeOps(r, "retain", (a, s, e) => {
    // retain_range: an empty window (len <= 0 or a start past the end) leaves the array alone
    if (s >= e) return [];
    const kept = a.slice(s, e);
    const removed = [...a.slice(0, s), ...a.slice(e)];
    a.length = 0;
    a.push(...kept);
    return removed;
  });
  def(r, "splice", ["array", "i64", "i64", "array"], ([arr, s, n, b]) => {
    const [x, y] = spliceWin(arr.length, int(s), int(n));
    arr.splice(x, y - x, ...b);
  });
  for (const t of RANGES)
    def(r, "splice", ["array", t, "array"], ([arr, rg, b]) => {
      const s = Math.max(0, Number(rg.start));
      const e = Math.max(s, Number(rg.end)) + (rg.inclusive ? 1 : 0);
      const [x, y] = spliceWin(arr.length, s, e - s);
      arr.splice(x, y - x, ...b);
    });
  def(r, "split", ["array", "i64"], ([arr, i]) => {
    let k = int(i);
    if (k < 0) k = Math.max(0, arr.length + k);
    return arr.splice(Math.min(k, arr.length));
  });
  def(r, "contains", ["array", "any"], ([a, x]) => a.some((e) => valuesEqual(e, x)));
  def(r, "index_of", ["array", "any"], ([a, x]) => a.findIndex((e) => valuesEqual(e, x)));
  def(r, "index_of", ["array", "any", "i64"], ([arr, x, s]) => {
    let st = int(s);
    if (st < 0) st = Math.max(0, arr.length + st);
    for (let i = st; i < arr.length; i++) if (valuesEqual(arr[i], x)) return i;
    return -1;
  });
  // deprecated form: a string naming a script function used as the filter
  def(r, "index_of", ["array", "string"], ([arr, name], rt) => indexOfNamed(rt, arr, name, 0));
  def(r, "index_of", ["array", "string", "i64"], ([arr, name, s], rt) => indexOfNamed(rt, arr, name, int(s)));
  def(r, "index_of", ["array", "Fn"], ([arr, f], rt) => {
    for (let i = 0; i < arr.length; i++) if (truthy(callElem(rt, f, arr, i, arr[i]), "index_of")) return i;
    return -1;
  });
  def(r, "index_of", ["array", "Fn", "i64"], ([arr, f, s], rt) => {
    let st = int(s);
    if (st < 0) st = Math.max(0, arr.length + st);
    for (let i = st; i < arr.length; i++) if (truthy(callElem(rt, f, arr, i, arr[i]), "index_of")) return i;
    return -1;
  });
  def(r, "dedup", ["array"], ([arr]) => {
    const out: Arr = [];
    for (const x of arr) if (out.length === 0 || !valuesEqual(out[out.length - 1], x)) out.push(x);
    arr.length = 0;
    arr.push(...out);
  });
  def(r, "zip", ["array", "array", "Fn"], ([x, y, f], rt) => {
    const n = Math.min(x.length, y.length);
    const out: Arr = [];
    for (let i = 0; i < n; i++) out.push(callFnPtr(rt, f, [x[i], y[i]], null, rt.position));
    return out;
  });
  def(r, "sort", ["array"], ([a]) => {
    a.sort(builtinCmp);
  });
  def(r, "sort_desc", ["array"], ([a]) => {
    a.sort((x, y) => builtinCmp(y, x));
  });
  def(r, ["sort", "sort_by"], ["array", "Fn"], ([a, f], rt) => {
    a.sort(cmpFn(rt, f));
  });
  def(r, ["order", "order_by"], ["array", "Fn"], ([a, f], rt) => [...a].sort(cmpFn(rt, f)));
  def(r, "order", ["array"], ([a]) => [...a].sort(builtinCmp));
  def(r, "order_desc", ["array"], ([a]) => [...a].sort((x, y) => builtinCmp(y, x)));
  registerCallbacks(r);
}

function registerCallbacks(r: FnRegistry): void {
  def(r, "map", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    const out = new Array<Value>(arr.length);
    for (let i = 0; i < arr.length; i++) out[i] = callElem(rt, fp, null, i, arr[i]);
    return out;
  });
  def(r, "filter", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    const out: Arr = [];
    for (let i = 0; i < arr.length; i++)
      if (truthy(callElem(rt, fp, null, i, arr[i]), "filter")) out.push(arr[i]);
    return out;
  });
  def(r, "for_each", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    for (let i = 0; i < arr.length; i++) callElem(rt, fp, arr, i, arr[i]);
  });
  def(r, "some", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    for (let i = 0; i < arr.length; i++) if (truthy(callElem(rt, fp, null, i, arr[i]), "some")) return true;
    return false;
  });
  def(r, "all", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    for (let i = 0; i < arr.length; i++) if (!truthy(callElem(rt, fp, null, i, arr[i]), "all")) return false;
    return true;
  });
  def(r, "find", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    for (let i = 0; i < arr.length; i++) if (truthy(callElem(rt, fp, null, i, arr[i]), "find")) return arr[i];
    return undefined;
  });
  def(r, "find_map", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    for (let i = 0; i < arr.length; i++) {
      const v = callElem(rt, fp, null, i, arr[i]);
      if (v !== undefined) return v;
    }
    return undefined;
  });
  const reduce = (arr: Arr, fp: FnPtr, init: Value, rt: Runtime, rev: boolean): Value => {
    let acc = init;
    const n = arr.length;
    for (let j = 0; j < n; j++) {
      const i = rev ? n - 1 - j : j;
      acc = callWithItem(rt, fp, null, i, arr[i], [acc], 1);
    }
    return acc;
  };
  def(r, "reduce", ["array", "any"], ([a, f], rt) => reduce(a, fnArg(f), undefined, rt, false));
  def(r, "reduce", ["array", "any", "any"], ([a, f, i], rt) => reduce(a, fnArg(f), i, rt, false));
  def(r, "reduce_rev", ["array", "any"], ([a, f], rt) => reduce(a, fnArg(f), undefined, rt, true));
  def(r, "reduce_rev", ["array", "any", "any"], ([a, f, i], rt) => reduce(a, fnArg(f), i, rt, true));
  def(r, "retain", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    const kept: Arr = [];
    const removed: Arr = [];
    for (let i = 0; i < arr.length; i++)
      (truthy(callElem(rt, fp, null, i, arr[i]), "retain") ? kept : removed).push(arr[i]);
    arr.length = 0;
    arr.push(...kept);
    return removed;
  });
  def(r, "drain", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    const kept: Arr = [];
    const removed: Arr = [];
    for (let i = 0; i < arr.length; i++)
      (truthy(callElem(rt, fp, null, i, arr[i]), "drain") ? removed : kept).push(arr[i]);
    arr.length = 0;
    arr.push(...kept);
    return removed;
  });
  def(r, "dedup", ["array", "any"], ([arr, f], rt) => {
    const fp = fnArg(f);
    const out: Arr = [];
    for (const x of arr)
      if (
        out.length === 0 ||
        !truthy(callFnPtr(rt, fp, [out[out.length - 1], x], null, rt.position), "dedup")
      )
        out.push(x);
    arr.length = 0;
    arr.push(...out);
  });
}
