import {
  FnPtr,
  RBlob,
  RChar,
  RCustom,
  RFloat,
  RRange,
  RTimestamp,
  sortedKeys,
  type Value,
} from "./values.js";

function fixed(x: number): string {
  // shortest round-trip digits, written without exponent
  let s = String(x);
  if (!/e/i.test(s)) return s;
  const neg = x < 0;
  const [mant = "", expS] = String(Math.abs(x)).split("e");
  const exp = Number(expS);
  const digits = mant.replace(".", "");
  const point = (mant.indexOf(".") < 0 ? mant.length : mant.indexOf(".")) + exp;
  if (point <= 0) s = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) s = digits + "0".repeat(point - digits.length);
  else s = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${s}` : s;
}

function expForm(x: number): string {
  // Rust `{:e}`: shortest mantissa, exponent without '+'
  return x.toExponential().replace("e+", "e");
}

/** Rhai's Display of a FLOAT. */
export function floatToString(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const abs = Math.abs(x);
  if (abs === 0) return "0.0";
  if (abs > 1e13 || abs < 1e-13) return expForm(x);
  const s = fixed(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** Rust's Debug of an f64. */
export function floatToDebug(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) return expForm(x);
  const s = fixed(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}

function escapeChar(c: string, quote: string): string {
  switch (c) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    case "\\":
      return "\\\\";
    case "\0":
      return "\\0";
  }
  if (c === quote) return `\\${quote}`;
  const cp = c.codePointAt(0) as number;
  if (cp < 0x20 || cp === 0x7f) return `\\u{${cp.toString(16)}}`;
  return c;
}

export function debugString(s: string): string {
  let out = '"';
  for (const c of s) out += escapeChar(c, '"');
  return `${out}"`;
}

function rangeText(r: RRange): string {
  return `${r.start}${r.inclusive ? "..=" : ".."}${r.end}`;
}

function fnPtrText(f: FnPtr): string {
  if (f.curry.length === 0) return `Fn(${f.name})`;
  return `Fn(${f.name}, ${toDebug(f.curry as Value[])})`;
}

/** `to_string` / `print` form. */
export function toDisplay(v: Value): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "bigint":
    case "boolean":
      return String(v);
    case "undefined":
      return "";
  }
  if (v instanceof RFloat) return floatToString(v.v);
  if (v instanceof RChar) return v.c;
  if (v instanceof FnPtr) return fnPtrText(v);
  if (v instanceof RTimestamp) return "<timestamp>";
  if (v instanceof RRange) return rangeText(v);
  if (v instanceof RCustom) return v.typeName;
  return toDebug(v);
}

/** `to_debug` / `debug` form. */
export function toDebug(v: Value, depth = 0): string {
  if (depth > 64) return "...";
  switch (typeof v) {
    case "string":
      return debugString(v);
    case "number":
    case "bigint":
    case "boolean":
      return String(v);
    case "undefined":
      return "()";
  }
  if (v instanceof RFloat) return floatToDebug(v.v);
  if (v instanceof RChar) return `'${escapeChar(v.c, "'")}'`;
  if (Array.isArray(v)) return `[${v.map((e) => toDebug(e, depth + 1)).join(", ")}]`;
  if (v instanceof Map) {
    return `#{${sortedKeys(v)
      .map((k) => `${debugString(k)}: ${toDebug(v.get(k), depth + 1)}`)
      .join(", ")}}`;
  }
  if (v instanceof RBlob) {
    let s = "[";
    v.bytes.forEach((b, i) => {
      if (i > 0 && i % 8 === 0) s += " ";
      s += b.toString(16).padStart(2, "0");
    });
    return `${s}]`;
  }
  if (v instanceof FnPtr) return fnPtrText(v);
  if (v instanceof RTimestamp) return "<timestamp>";
  if (v instanceof RRange) return rangeText(v);
  if (v instanceof RCustom) return v.typeName;
  return "?";
}
