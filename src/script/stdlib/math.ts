import { RhaiError } from "../errors.js";
import { floatToString } from "../format.js";
import { intNeg } from "../ops.js";
import type { FnRegistry } from "../registry.js";
import { I64_MAX, I64_MIN, normInt } from "../values.js";
import { arith, def, F, flt, int } from "./util.js";

function checkedInt(x: number): number | bigint {
  // math_basic.rs f64_to_int: only x > INT::MAX as f64 (2^63) or x < INT::MIN overflows; then
  // `x.trunc() as INT` saturates (2^63 → i64::MAX) and maps NaN to 0
  if (Number.isNaN(x)) return 0;
  if (x > 2 ** 63 || x < -(2 ** 63)) throw arith(`cannot convert ${x} to an integer`);
  if (x === 2 ** 63) return I64_MAX;
  const t = Math.trunc(x);
  if (Number.isSafeInteger(t)) return t === 0 ? 0 : t;
  const b = BigInt(t);
  if (b > I64_MAX || b < I64_MIN) throw arith(`cannot convert ${x} to an integer`);
  return normInt(b);
}

/** max/min of INTs (number or bigint: Math.max cannot take bigints). */
function imax(x: number | bigint, y: number | bigint): number | bigint {
  if (x >= y) return x;
  return y;
}
function imin(x: number | bigint, y: number | bigint): number | bigint {
  if (x <= y) return x;
  return y;
}

function parseIntRadix(s: string, radix: number): number | bigint {
  if (radix < 2 || radix > 36) throw arith(`invalid radix: ${radix}`);
  const t = s.trim();
  const m = /^([+-]?)([0-9a-zA-Z]+)$/.exec(t);
  const bad = () => new RhaiError("ErrorArithmetic", `error parsing integer: '${s}'`);
  if (!m) throw bad();
  const [, sign, digits = ""] = m;
  let acc = 0n;
  const R = BigInt(radix);
  for (const ch of digits.toLowerCase()) {
    const d = Number.parseInt(ch, 36);
    if (Number.isNaN(d) || d >= radix) throw bad();
    acc = acc * R + BigInt(d);
  }
  if (sign === "-") acc = -acc;
  if (acc > I64_MAX || acc < I64_MIN) throw bad();
  return normInt(acc);
}

function radixText(v: number | bigint, radix: number): string {
  return BigInt.asUintN(64, BigInt(v)).toString(radix);
}

export function registerMath(r: FnRegistry): void {
  def(r, "abs", ["i64"], ([x]) => (x < 0 ? intNeg(x) : x));
  def(r, "abs", ["f64"], ([x]) => F(Math.abs(flt(x))));
  def(r, "sign", ["i64"], ([x]) => (x > 0 ? 1 : x < 0 ? -1 : 0));
  def(r, "sign", ["f64"], ([x]) => {
    const v = flt(x);
    if (Number.isNaN(v)) throw arith("sign of NaN");
    return v > 0 ? 1 : v < 0 ? -1 : 0;
  });
  def(r, ["is_zero", "get$is_zero"], ["i64"], ([x]) => x === 0);
  def(r, ["is_zero", "get$is_zero"], ["f64"], ([x]) => flt(x) === 0);
  def(r, ["is_odd", "get$is_odd"], ["i64"], ([x]) => BigInt(x) % 2n !== 0n);
  def(r, ["is_even", "get$is_even"], ["i64"], ([x]) => BigInt(x) % 2n === 0n);
  def(r, "max", ["i64", "i64"], ([x, y]) => imax(x, y));
  def(r, "min", ["i64", "i64"], ([x, y]) => imin(x, y));
  for (const [a, b] of [
    ["f64", "f64"],
    ["i64", "f64"],
    ["f64", "i64"],
  ] as const) {
    def(r, "max", [a, b], ([x, y]) => F(Math.max(flt(x), flt(y))));
    def(r, "min", [a, b], ([x, y]) => F(Math.min(flt(x), flt(y))));
  }
  const f1: [string, (x: number) => number][] = [
    ["sqrt", Math.sqrt],
    ["exp", Math.exp],
    ["ln", Math.log],
    ["log", Math.log10],
    ["sin", Math.sin],
    ["cos", Math.cos],
    ["tan", Math.tan],
    ["asin", Math.asin],
    ["acos", Math.acos],
    ["atan", Math.atan],
    ["sinh", Math.sinh],
    ["cosh", Math.cosh],
    ["tanh", Math.tanh],
    ["asinh", Math.asinh],
    ["acosh", Math.acosh],
    ["atanh", Math.atanh],
    ["floor", Math.floor],
    ["ceiling", Math.ceil],
    ["round", (x) => (x < 0 ? -Math.round(-x) : Math.round(x))],
    ["int", Math.trunc],
    ["fraction", (x) => x - Math.trunc(x)],
    ["to_degrees", (x) => (x * 180) / Math.PI],
    ["to_radians", (x) => (x * Math.PI) / 180],
  ];
  // FLOAT only, as math_basic.rs float_functions / trig_functions: `sqrt(4)` is not found in Rhai
  for (const [name, fn] of f1) def(r, name, ["f64"], ([x]) => F(fn(flt(x))));
  const getters = new Set(["floor", "ceiling", "round", "int", "fraction"]);
  for (const [name, fn] of f1) if (getters.has(name)) def(r, `get$${name}`, ["f64"], ([x]) => F(fn(flt(x))));
  def(r, "log", ["f64", "f64"], ([x, b]) => F(Math.log(flt(x)) / Math.log(flt(b))));
  def(r, "atan", ["f64", "f64"], ([x, y]) => F(Math.atan2(flt(x), flt(y))));
  def(r, "hypot", ["f64", "f64"], ([x, y]) => F(Math.hypot(flt(x), flt(y))));
  def(r, ["is_nan", "get$is_nan"], ["f64"], ([x]) => Number.isNaN(flt(x)));
  def(r, ["is_finite", "get$is_finite"], ["f64"], ([x]) => Number.isFinite(flt(x)));
  def(r, ["is_infinite", "get$is_infinite"], ["f64"], ([x]) => {
    const v = flt(x);
    return !Number.isFinite(v) && !Number.isNaN(v);
  });
  def(r, "PI", [], () => F(Math.PI));
  def(r, "E", [], () => F(Math.E));
  def(r, "to_int", ["i64"], ([x]) => x);
  def(r, "to_int", ["f64"], ([x]) => checkedInt(flt(x)));
  def(r, "to_int", ["char"], ([c]) => c.c.codePointAt(0) ?? 0); // a char is never empty
  def(r, "to_float", ["i64"], ([x]) => F(Number(x)));
  def(r, "to_float", ["f64"], ([x]) => x);
  def(r, "parse_int", ["string"], ([s]) => parseIntRadix(s, 10));
  def(r, "parse_int", ["string", "i64"], ([s, radix]) => parseIntRadix(s, int(radix)));
  def(r, "parse_float", ["string"], ([s]) => {
    const t = s.trim();
    if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|NaN|infinity)$/i.test(t))
      throw new RhaiError("ErrorArithmetic", `error parsing float: '${s}'`);
    const low = t.toLowerCase().replace(/^\+/, "");
    if (low === "inf" || low === "infinity") return F(Number.POSITIVE_INFINITY);
    if (low === "-inf" || low === "-infinity") return F(Number.NEGATIVE_INFINITY);
    return F(Number.parseFloat(t));
  });
  def(r, "to_hex", ["i64"], ([x]) => radixText(x, 16));
  def(r, "to_octal", ["i64"], ([x]) => radixText(x, 8));
  def(r, "to_binary", ["i64"], ([x]) => radixText(x, 2));
  def(r, "to_string", ["f64"], ([x]) => floatToString(flt(x)));
  // biome-ignore lint/complexity/useMathMinMax: strings (Math.max would give NaN)
  def(r, "max", ["string", "string"], ([a, b]) => (a >= b ? a : b));
  // biome-ignore lint/complexity/useMathMinMax: strings (Math.min would give NaN)
  def(r, "min", ["string", "string"], ([a, b]) => (a <= b ? a : b));
}
