import { RhaiError } from "../errors.js";
import { checkLen, checkSize } from "../limits-check.js";
import { compareValues, valuesEqual } from "../ops.js";
import type { CallContext, FnRegistry } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { callFnPtr } from "../runtime.js";
import { cloneValue, FnPtr, type RRange, typeName, type Value } from "../values.js";
import { callElem, def, fnArg, int, truthy } from "./util.js";
import { callWithItem } from "./util-call.js";

type Arr = Value[];

/** [start, end) from (start, len) with Rhai's clamping. */
function win(n: number, start: number, len: number): [number, number] {
  if (start < 0) start = Math.max(0, n + start);
  if (start >= n || len <= 0) return [n, n];
  return [start, Math.min(n, start + len)];
}
function rwin(n: number, r: RRange): [number, number] {
  const s = Math.max(0, Number(r.start));
  // Rhai: end = max(end, start); an inclusive range then covers end itself (3..=1 is [3])
  const e = Math.max(s, Number(r.end)) + (r.inclusive ? 1 : 0);
  return win(n, s, e - s);
}

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

function cmpFn(ctx: CallContext, fp: FnPtr): (a: Value, b: Value) => number {
  return (a, b) => {
    const r = callFnPtr(ctx as Runtime, fp, [a, b], null, ctx.position);
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

function rangeOps(
  r: FnRegistry,
  name: string,
  fn: (a: Arr, s: number, e: number, args: Value[]) => Value,
): void {
  def(r, name, ["array", "i64", "i64"], (a) => {
    const arr = a[0] as Arr;
    const [s, e] = win(arr.length, int(a[1]), int(a[2]));
    return fn(arr, s, e, a);
  });
  for (const t of ["range", "range="])
    def(r, name, ["array", t], (a) => {
      const arr = a[0] as Arr;
      const [s, e] = rwin(arr.length, a[1] as RRange);
      return fn(arr, s, e, a);
    });
}

export function registerArray(r: FnRegistry): void {
  def(r, ["len", "get$len"], ["array"], ([a]) => (a as Arr).length);
  def(r, ["is_empty", "get$is_empty"], ["array"], ([a]) => (a as Arr).length === 0);
  def(r, "push", ["array", "any"], ([a, x], ctx) => {
    (a as Arr).push(x);
    const rt = ctx as Runtime;
    if (!rt.sizeLimited) return;
    if (typeof x === "object") checkSize(rt, a, ctx.position);
    else checkLen(rt, (a as Arr).length, ctx.position);
  });
  def(r, "append", ["array", "array"], ([a, b], ctx) => {
    for (const x of b as Arr) (a as Arr).push(x);
    checkSize(ctx as Runtime, a, ctx.position);
  });
  def(r, "insert", ["array", "i64", "any"], ([a, i, x], ctx) => {
    const arr = a as Arr;
    let k = int(i);
    if (k < 0) k = Math.max(0, arr.length + k);
    arr.splice(Math.min(k, arr.length), 0, x);
    checkSize(ctx as Runtime, a, ctx.position);
  });
  def(r, "pop", ["array"], ([a]) => (a as Arr).pop());
  def(r, "shift", ["array"], ([a]) => (a as Arr).shift());
  def(r, "remove", ["array", "i64"], ([a, i]) => {
    const arr = a as Arr;
    const k = idx(arr.length, int(i));
    return k >= 0 && k < arr.length ? arr.splice(k, 1)[0] : undefined;
  });
  def(r, "get", ["array", "i64"], ([a, i]) => {
    const arr = a as Arr;
    const k = clampIdx(arr.length, int(i));
    return k >= 0 && k < arr.length ? arr[k] : undefined;
  });
  def(r, "set", ["array", "i64", "any"], ([a, i, x]) => {
    const arr = a as Arr;
    const k = clampIdx(arr.length, int(i));
    if (k >= 0 && k < arr.length) arr[k] = x;
  });
  def(r, "clear", ["array"], ([a]) => {
    (a as Arr).length = 0;
  });
  def(r, "truncate", ["array", "i64"], ([a, n]) => {
    const arr = a as Arr;
    arr.length = Math.min(arr.length, Math.max(0, int(n)));
  });
  def(r, "chop", ["array", "i64"], ([a, n]) => {
    const arr = a as Arr;
    const k = Math.max(0, int(n));
    if (arr.length > k) arr.splice(0, arr.length - k);
  });
  def(r, "pad", ["array", "i64", "any"], ([a, n, x], ctx) => {
    const arr = a as Arr;
    const k = int(n);
    const max = (ctx as Runtime).limits.maxArraySize;
    if (max > 0 && k > max) throw new RhaiError("ErrorDataTooLarge", "size of array exceeds the limit");
    while (arr.length < k) arr.push(cloneValue(x));
    checkSize(ctx as Runtime, a, ctx.position);
  });
  def(r, "reverse", ["array"], ([a]) => {
    (a as Arr).reverse();
  });
  def(r, "extract", ["array", "i64"], ([a, s]) => {
    const arr = a as Arr;
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
  def(r, "splice", ["array", "i64", "i64", "array"], ([a, s, n, b]) => {
    const arr = a as Arr;
    const [x, y] = spliceWin(arr.length, int(s), int(n));
    arr.splice(x, y - x, ...(b as Arr));
  });
  for (const t of ["range", "range="])
    def(r, "splice", ["array", t, "array"], ([a, rg, b]) => {
      const arr = a as Arr;
      const g = rg as RRange;
      const s = Math.max(0, Number(g.start));
      const e = Math.max(s, Number(g.end)) + (g.inclusive ? 1 : 0);
      const [x, y] = spliceWin(arr.length, s, e - s);
      arr.splice(x, y - x, ...(b as Arr));
    });
  def(r, "split", ["array", "i64"], ([a, i]) => {
    const arr = a as Arr;
    let k = int(i);
    if (k < 0) k = Math.max(0, arr.length + k);
    return arr.splice(Math.min(k, arr.length));
  });
  def(r, "contains", ["array", "any"], ([a, x]) => (a as Arr).some((e) => valuesEqual(e, x)));
  def(r, "index_of", ["array", "any"], ([a, x]) => (a as Arr).findIndex((e) => valuesEqual(e, x)));
  def(r, "index_of", ["array", "any", "i64"], ([a, x, s]) => {
    const arr = a as Arr;
    let st = int(s);
    if (st < 0) st = Math.max(0, arr.length + st);
    for (let i = st; i < arr.length; i++) if (valuesEqual(arr[i], x)) return i;
    return -1;
  });
  // deprecated form: a string naming a script function used as the filter
  for (const extra of [[], ["i64"]])
    def(r, "index_of", ["array", "string", ...extra], ([a, name, s], ctx) => {
      const rt = ctx as Runtime;
      const arr = a as Arr;
      let st = s === undefined ? 0 : int(s);
      if (st < 0) st = Math.max(0, arr.length + st);
      const n = name as string;
      if (!rt.code.fnNames.has(n)) {
        for (let i = st; i < arr.length; i++) if (valuesEqual(arr[i], n)) return i;
        return -1;
      }
      const fp = new FnPtr(n);
      for (let i = st; i < arr.length; i++)
        if (truthy(callElem(ctx, fp, null, i, arr[i]), "index_of")) return i;
      return -1;
    });
  def(r, "index_of", ["array", "Fn"], ([a, f], ctx) => {
    const arr = a as Arr;
    for (let i = 0; i < arr.length; i++)
      if (truthy(callElem(ctx, f as FnPtr, arr, i, arr[i]), "index_of")) return i;
    return -1;
  });
  def(r, "index_of", ["array", "Fn", "i64"], ([a, f, s], ctx) => {
    const arr = a as Arr;
    let st = int(s);
    if (st < 0) st = Math.max(0, arr.length + st);
    for (let i = st; i < arr.length; i++)
      if (truthy(callElem(ctx, f as FnPtr, arr, i, arr[i]), "index_of")) return i;
    return -1;
  });
  def(r, "dedup", ["array"], ([a]) => {
    const arr = a as Arr;
    const out: Arr = [];
    for (const x of arr) if (out.length === 0 || !valuesEqual(out[out.length - 1], x)) out.push(x);
    arr.length = 0;
    arr.push(...out);
  });
  def(r, "zip", ["array", "array", "Fn"], ([a, b, f], ctx) => {
    const x = a as Arr;
    const y = b as Arr;
    const n = Math.min(x.length, y.length);
    const out: Arr = [];
    for (let i = 0; i < n; i++)
      out.push(callFnPtr(ctx as Runtime, f as FnPtr, [x[i], y[i]], null, ctx.position));
    return out;
  });
  def(r, "sort", ["array"], ([a]) => {
    (a as Arr).sort(builtinCmp);
  });
  def(r, "sort_desc", ["array"], ([a]) => {
    (a as Arr).sort((x, y) => builtinCmp(y, x));
  });
  def(r, ["sort", "sort_by"], ["array", "Fn"], ([a, f], ctx) => {
    (a as Arr).sort(cmpFn(ctx, f as FnPtr));
  });
  def(r, ["order", "order_by"], ["array", "Fn"], ([a, f], ctx) =>
    [...(a as Arr)].sort(cmpFn(ctx, f as FnPtr)),
  );
  def(r, "order", ["array"], ([a]) => [...(a as Arr)].sort(builtinCmp));
  def(r, "order_desc", ["array"], ([a]) => [...(a as Arr)].sort((x, y) => builtinCmp(y, x)));
  registerCallbacks(r);
}

function registerCallbacks(r: FnRegistry): void {
  def(r, "map", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    const out = new Array<Value>(arr.length);
    for (let i = 0; i < arr.length; i++) out[i] = callElem(ctx, fp, null, i, arr[i]);
    return out;
  });
  def(r, "filter", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    const out: Arr = [];
    for (let i = 0; i < arr.length; i++)
      if (truthy(callElem(ctx, fp, null, i, arr[i]), "filter")) out.push(arr[i]);
    return out;
  });
  def(r, "for_each", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    for (let i = 0; i < arr.length; i++) callElem(ctx, fp, arr, i, arr[i]);
  });
  def(r, "some", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    for (let i = 0; i < arr.length; i++) if (truthy(callElem(ctx, fp, null, i, arr[i]), "some")) return true;
    return false;
  });
  def(r, "all", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    for (let i = 0; i < arr.length; i++) if (!truthy(callElem(ctx, fp, null, i, arr[i]), "all")) return false;
    return true;
  });
  def(r, "find", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    for (let i = 0; i < arr.length; i++)
      if (truthy(callElem(ctx, fp, null, i, arr[i]), "find")) return arr[i];
    return undefined;
  });
  def(r, "find_map", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    for (let i = 0; i < arr.length; i++) {
      const v = callElem(ctx, fp, null, i, arr[i]);
      if (v !== undefined) return v;
    }
    return undefined;
  });
  const reduce = (arr: Arr, fp: FnPtr, init: Value, ctx: CallContext, rev: boolean): Value => {
    let acc = init;
    const n = arr.length;
    for (let j = 0; j < n; j++) {
      const i = rev ? n - 1 - j : j;
      acc = callWithItem(ctx, fp, null, i, arr[i], [acc], 1);
    }
    return acc;
  };
  def(r, "reduce", ["array", "any"], ([a, f], ctx) => reduce(a as Arr, fnArg(f), undefined, ctx, false));
  def(r, "reduce", ["array", "any", "any"], ([a, f, i], ctx) => reduce(a as Arr, fnArg(f), i, ctx, false));
  def(r, "reduce_rev", ["array", "any"], ([a, f], ctx) => reduce(a as Arr, fnArg(f), undefined, ctx, true));
  def(r, "reduce_rev", ["array", "any", "any"], ([a, f, i], ctx) => reduce(a as Arr, fnArg(f), i, ctx, true));
  def(r, "retain", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    const kept: Arr = [];
    const removed: Arr = [];
    for (let i = 0; i < arr.length; i++)
      (truthy(callElem(ctx, fp, null, i, arr[i]), "retain") ? kept : removed).push(arr[i]);
    arr.length = 0;
    arr.push(...kept);
    return removed;
  });
  def(r, "drain", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    const kept: Arr = [];
    const removed: Arr = [];
    for (let i = 0; i < arr.length; i++)
      (truthy(callElem(ctx, fp, null, i, arr[i]), "drain") ? removed : kept).push(arr[i]);
    arr.length = 0;
    arr.push(...kept);
    return removed;
  });
  def(r, "dedup", ["array", "any"], ([a, f], ctx) => {
    const fp = fnArg(f);
    const arr = a as Arr;
    const out: Arr = [];
    for (const x of arr)
      if (
        out.length === 0 ||
        !truthy(callFnPtr(ctx as Runtime, fp, [out[out.length - 1], x], null, ctx.position), "dedup")
      )
        out.push(x);
    arr.length = 0;
    arr.push(...out);
  });
}
