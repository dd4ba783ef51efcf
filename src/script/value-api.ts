import { RhaiError } from "./errors.js";
import { toDebug, toDisplay } from "./format.js";
import { toJson } from "./stdlib/map.js";
import {
  I64_MAX,
  I64_MIN,
  normInt,
  RBlob,
  RChar,
  RCustom,
  RFloat,
  type RMap,
  typeName,
  type Value,
} from "./values.js";

function int(n: number | bigint): number | bigint {
  if (typeof n === "number") {
    if (!Number.isInteger(n)) throw new RhaiError("ErrorMismatchDataType", `not an integer: ${n}`);
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
    n = BigInt(n);
  }
  if (n > I64_MAX || n < I64_MIN) throw new RhaiError("ErrorArithmetic", `integer out of i64 range: ${n}`);
  return normInt(n);
}

/** Constructors and inspectors for script values (use these rather than building values by hand). */
export const V = Object.freeze({
  unit: undefined as Value,
  /** INT from a JS integer or bigint (must fit i64). */
  int,
  float: (x: number): Value => new RFloat(x),
  bool: (b: boolean): Value => b,
  str: (s: string): Value => s,
  char: (c: string): Value => {
    if ([...c].length !== 1) throw new RhaiError("ErrorMismatchDataType", "a char is exactly one character");
    return new RChar(c);
  },
  array: (items: readonly Value[] = []): Value => [...items],
  /** Object map from a record or Map (a null-prototype-safe Map internally). */
  map: (entries: Record<string, Value> | Map<string, Value> = {}): Value =>
    entries instanceof Map ? new Map(entries) : new Map(Object.entries(entries)),
  blob: (bytes: Uint8Array | readonly number[] = []): Value => new RBlob(Array.from(bytes, (b) => b & 0xff)),
  /** A value of a registered custom type wrapping opaque host data. */
  custom: (typeName: string, data: unknown): Value => new RCustom(typeName, data),
  typeOf: (v: Value): string => typeName(v),
  isUnit: (v: Value): v is undefined => v === undefined,
  isInt: (v: Value): v is number | bigint => typeof v === "number" || typeof v === "bigint",
  isString: (v: Value): v is string => typeof v === "string",
  isMap: (v: Value): v is RMap => v instanceof Map,
  isArray: (v: Value): v is Value[] => Array.isArray(v),
  /** INT as bigint (exact). */
  asBigInt: (v: Value): bigint => {
    if (typeof v === "number" || typeof v === "bigint") return BigInt(v);
    throw new RhaiError("ErrorMismatchDataType", `expecting i64 but got ${typeName(v)}`);
  },
  /** INT or FLOAT as a JS number (INT beyond 2^53 loses precision). */
  asNumber: (v: Value): number => {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (v instanceof RFloat) return v.v;
    throw new RhaiError("ErrorMismatchDataType", `expecting a number but got ${typeName(v)}`);
  },
  asString: (v: Value): string => {
    if (typeof v === "string") return v;
    if (v instanceof RChar) return v.c;
    throw new RhaiError("ErrorMismatchDataType", `expecting string but got ${typeName(v)}`);
  },
  asBool: (v: Value): boolean => {
    if (typeof v === "boolean") return v;
    throw new RhaiError("ErrorMismatchDataType", `expecting bool but got ${typeName(v)}`);
  },
  /** Custom-type data when `v` is of that registered type. */
  asCustom: <T>(v: Value, type: string): T => {
    if (v instanceof RCustom && v.typeName === type) return v.data as T;
    throw new RhaiError("ErrorMismatchDataType", `expecting ${type} but got ${typeName(v)}`);
  },
  toDisplay,
  toDebug,
  /** Rhai's `to_json` text. */
  toJsonText: (v: Value): string => toJson(v),
  /** Plain JS data: INT → number (or bigint beyond 2^53), FLOAT → number, map → null-prototype object. */
  toJs: (v: Value): unknown => toJs(v),
  /** From JSON-like JS data: integers → INT, other numbers → FLOAT, objects → maps, null → unit. */
  fromJs: (x: unknown): Value => fromJs(x, 0),
});

function toJs(v: Value): unknown {
  if (v instanceof RFloat) return v.v;
  if (v instanceof RChar) return v.c;
  if (Array.isArray(v)) return v.map(toJs);
  if (v instanceof Map) {
    const o: Record<string, unknown> = Object.create(null);
    for (const [k, e] of v) o[k] = toJs(e);
    return o;
  }
  if (v instanceof RBlob) return Uint8Array.from(v.bytes);
  if (v === undefined) return null;
  if (typeof v === "object") return toDisplay(v);
  return v;
}

function fromJs(x: unknown, depth: number): Value {
  if (depth > 64) throw new RhaiError("ErrorDataTooLarge", "value nested too deeply");
  if (x === null || x === undefined) return undefined;
  if (typeof x === "boolean" || typeof x === "string") return x;
  if (typeof x === "bigint") return int(x);
  if (typeof x === "number") return Number.isInteger(x) && Number.isSafeInteger(x) ? x : new RFloat(x);
  if (Array.isArray(x)) return x.map((e) => fromJs(e, depth + 1));
  if (x instanceof Uint8Array) return new RBlob(Array.from(x));
  if (x instanceof Map) return new Map([...x].map(([k, e]) => [String(k), fromJs(e, depth + 1)]));
  if (typeof x === "object") {
    const m = new Map<string, Value>();
    for (const k of Object.keys(x)) m.set(k, fromJs((x as Record<string, unknown>)[k], depth + 1));
    return m;
  }
  throw new RhaiError("ErrorMismatchDataType", `cannot convert ${typeof x}`);
}
