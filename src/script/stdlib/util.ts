import { RhaiError } from "../errors.js";
import type { CallContext, FnRegistry, HostFn, ParamType } from "../registry.js";
import { FnPtr, RFloat, typeName, type Value } from "../values.js";
import { callWithItem } from "./util-call.js";

/** Registers one built-in overload. */
export function def(reg: FnRegistry, names: string | string[], params: ParamType[], fn: HostFn): void {
  for (const n of Array.isArray(names) ? names : [names]) reg.add(n, params, fn);
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
export function callElem(ctx: CallContext, fp: FnPtr, holder: Value[] | null, i: number, elem: Value): Value {
  return callWithItem(ctx, fp, holder, i, elem, [], holder ? null : 0);
}

/** A callback's verdict as Rhai reads it (`as_bool().unwrap_or(false)`): anything but `true` is false. */
export function truthy(v: Value, _what: string): boolean {
  return v === true;
}
