import { RhaiError } from "../errors.js";
import type { FnRegistry, HostFn, TypedHostFn } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { FnPtr, RFloat, type RRange, typeName, type Value } from "../values.js";
import { callWithItem } from "./util-call.js";

/** The parameter tags the standard library uses (a closed set: a misspelt tag does not compile). */
export type StdParam =
  | "any"
  | "i64"
  | "f64"
  | "bool"
  | "string"
  | "char"
  | "array"
  | "map"
  | "blob"
  | "Fn"
  | "timestamp"
  | "range"
  | "range=";

/** The two range tags, for overloads registered for `a..b` and `a..=b` alike. */
export const RANGES = ["range", "range="] as const;

/** A built-in function: arguments typed by its parameter tags, the run's {@link Runtime} as its context. */
export type StdFn<Ps extends readonly StdParam[]> = TypedHostFn<Ps, Runtime>;

/**
 * Registers one built-in overload under each of `names`: `params` is both the runtime type check and, through
 * {@link StdFn}, the static type of `fn`'s arguments.
 */
export function def<const Ps extends readonly StdParam[]>(
  reg: FnRegistry,
  names: string | readonly string[],
  params: Ps,
  fn: StdFn<Ps>,
): void {
  // The registry checks every argument with the matchers of `params` before calling, and its only caller,
  // Runtime.callNative, passes itself as the context: the two facts TypeScript cannot link to `fn`'s type.
  const host = fn as unknown as HostFn;
  for (const n of typeof names === "string" ? [names] : names) reg.add(n, params, host);
}

/**
 * The window [start, end) of (start, len) over `n` items, as Rhai's `calc_offset_len`: a negative start
 * counts from the end, a start past the end or a length ≤ 0 gives an empty window at the end.
 */
export function win(n: number, start: number, len: number): [number, number] {
  if (start < 0) start = Math.max(0, n + start);
  if (start >= n || len <= 0) return [n, n];
  return [start, Math.min(n, start + len)];
}

/** The window [start, end) of a range over `n` items, as Rhai's `calc_index_range` (see {@link win}). */
export function rwin(n: number, r: RRange): [number, number] {
  const [s, e] = rangeBounds(r);
  return win(n, s, e - s);
}

/** Rhai's range → (start, end): start = max(start, 0), end = max(end, start); an inclusive range then
 * covers end itself (3..=1 is [3]). */
export function rangeBounds(r: RRange): [number, number] {
  const s = Math.max(0, Number(r.start));
  const e = Math.max(s, Number(r.end));
  return [s, r.inclusive ? e + 1 : e];
}

/** Overwrites items [s, e) of `to` with the first items of `src` (as many as both have). */
export function overwrite(to: number[], s: number, e: number, src: readonly number[]): void {
  const n = Math.max(0, Math.min(e - s, src.length));
  to.splice(s, n, ...src.slice(0, n));
}

export function arith(msg: string): RhaiError {
  return new RhaiError("ErrorArithmetic", msg);
}

export function mismatch(expected: string, v: Value): RhaiError {
  return new RhaiError("ErrorMismatchDataType", `expecting ${expected} but got ${typeName(v)}`);
}

export function int(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  throw mismatch("i64", v);
}

export function flt(v: Value): number {
  if (v instanceof RFloat) return v.v;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  throw mismatch("f64", v);
}

export function F(x: number): RFloat {
  return new RFloat(x);
}

/** A callback: `Fn` pointer (or a function name string where Rhai accepts one). */
export function fnArg(v: Value): FnPtr {
  if (v instanceof FnPtr) return v;
  if (typeof v === "string") return new FnPtr(v);
  throw mismatch("Fn", v);
}

/** Calls an array callback per Rhai's rules (element as `this` or moved into the arguments, index extra). */
export function callElem(ctx: Runtime, fp: FnPtr, holder: Value[] | null, i: number, elem: Value): Value {
  return callWithItem(ctx, fp, holder, i, elem, [], holder ? null : 0);
}

/** A callback's verdict as Rhai reads it (`as_bool().unwrap_or(false)`): anything but `true` is false. */
export function truthy(v: Value, _what: string): boolean {
  return v === true;
}
