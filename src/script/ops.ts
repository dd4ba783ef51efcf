import { RhaiError } from "./errors.js";
import { FnPtr, I64_MAX, I64_MIN, RBlob, RChar, RFloat, RRange, RTimestamp, type Value } from "./values.js";

const MAXS = 9007199254740991;
/** Returned by {@link binaryBuiltin} when no built-in operator applies. */
export const NO_OP = Symbol("no-op");

export function arithErr(msg: string): RhaiError {
  return new RhaiError("ErrorArithmetic", msg);
}

function big(b: bigint, what: string): number | bigint {
  if (b > I64_MAX || b < I64_MIN) throw arithErr(`arithmetic overflow: ${what}`);
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

export function intAdd(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    if (r <= MAXS && r >= -MAXS) return r;
  }
  return big(BigInt(a) + BigInt(b), `${a} + ${b}`);
}
export function intSub(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const r = a - b;
    if (r <= MAXS && r >= -MAXS) return r;
  }
  return big(BigInt(a) - BigInt(b), `${a} - ${b}`);
}
export function intMul(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const r = a * b;
    if (r <= MAXS && r >= -MAXS) return r === 0 ? 0 : r;
  }
  return big(BigInt(a) * BigInt(b), `${a} * ${b}`);
}
export function intDiv(a: number | bigint, b: number | bigint): number | bigint {
  if (b === 0) throw arithErr(`division by zero: ${a} / ${b}`);
  if (typeof a === "number" && typeof b === "number") {
    const r = Math.trunc(a / b);
    return r === 0 ? 0 : r;
  }
  return big(BigInt(a) / BigInt(b), `${a} / ${b}`);
}
export function intMod(a: number | bigint, b: number | bigint): number | bigint {
  if (b === 0) throw arithErr(`modulo by zero: ${a} % ${b}`);
  if (typeof a === "number" && typeof b === "number") {
    const r = a % b;
    return r === 0 ? 0 : r;
  }
  return big(BigInt(a) % BigInt(b), `${a} % ${b}`);
}
export function intPow(a: number | bigint, b: number | bigint): number | bigint {
  if (b < 0) throw arithErr(`integer raised to a negative power: ${a} ** ${b}`);
  const A = BigInt(a);
  if (b > 64) {
    if (A === 0n || A === 1n) return Number(A);
    if (A === -1n) return BigInt(b) % 2n === 0n ? 1 : -1;
    throw arithErr(`arithmetic overflow: ${a} ** ${b}`);
  }
  return big(A ** BigInt(b), `${a} ** ${b}`);
}
export function intShl(a: number | bigint, b: number | bigint): number | bigint {
  if (b < 0) return intShr(a, intNeg(b));
  // Rhai: shifting out every bit gives 0 (no error)
  if (b >= 64) return 0;
  return big(BigInt.asIntN(64, BigInt(a) << BigInt(b)), "shift");
}
export function intShr(a: number | bigint, b: number | bigint): number | bigint {
  if (b < 0) return intShl(a, intNeg(b));
  // Rhai: an arithmetic shift by 64 or more leaves only the sign (0 or -1)
  if (b >= 64) return a < 0 ? -1 : 0;
  return big(BigInt(a) >> BigInt(b), "shift");
}
export function intNeg(a: number | bigint): number | bigint {
  if (typeof a === "number") return a === 0 ? 0 : -a;
  return big(-a, `-${a}`);
}
function bitop(op: string, a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number" && (a | 0) === a && (b | 0) === b) {
    return op === "&" ? a & b : op === "|" ? a | b : a ^ b;
  }
  const A = BigInt(a);
  const B = BigInt(b);
  return big(BigInt.asIntN(64, op === "&" ? A & B : op === "|" ? A | B : A ^ B), op);
}

function isIntV(v: Value): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}
/** A number as f64 if it is INT or FLOAT, else null. */
export function asF64(v: Value): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof RFloat) return v.v;
  return null;
}

/** Rhai's epsilon-aware float comparison: returns -1, 0, 1 (NaN → null). */
export function floatCmp(x: number, y: number): number | null {
  if (Number.isNaN(x) || Number.isNaN(y)) return null;
  if (x === y) return 0;
  const max = x * y === 0 ? 1 : Math.max(Math.abs(x), Math.abs(y));
  const d = (x - y) / max;
  if (d > Number.EPSILON) return 1;
  if (-d > Number.EPSILON) return -1;
  return 0;
}

/** Deep equality as Rhai's `==` for built-in types (false across unrelated types). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === "number" || typeof a === "bigint") {
    if (typeof b === "number" || typeof b === "bigint") return a === b;
    if (b instanceof RFloat) return floatCmp(Number(a), b.v) === 0;
    return false;
  }
  if (a instanceof RFloat) {
    const y = asF64(b);
    return y !== null && floatCmp(a.v, y) === 0;
  }
  if (typeof a === "string" || a instanceof RChar) {
    const x = typeof a === "string" ? a : a.c;
    if (typeof b === "string") return x === b;
    if (b instanceof RChar) return x === b.c;
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof RBlob) {
    if (!(b instanceof RBlob) || a.bytes.length !== b.bytes.length) return false;
    return a.bytes.every((x, i) => x === b.bytes[i]);
  }
  if (a instanceof RRange) {
    return b instanceof RRange && a.start === b.start && a.end === b.end && a.inclusive === b.inclusive;
  }
  if (a instanceof FnPtr) return b instanceof FnPtr && a.name === b.name && a.closure === b.closure;
  if (a instanceof RTimestamp) return b instanceof RTimestamp && a.ms === b.ms;
  return false;
}

/** Ordering for built-in comparable types; null when not comparable. */
export function compareValues(a: Value, b: Value): number | null {
  if (isIntV(a) && isIntV(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = asF64(a);
  const y = asF64(b);
  if (x !== null && y !== null) return floatCmp(x, y);
  const sa = typeof a === "string" ? a : a instanceof RChar ? a.c : null;
  const sb = typeof b === "string" ? b : b instanceof RChar ? b.c : null;
  if (sa !== null && sb !== null) return sa < sb ? -1 : sa > sb ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a === undefined && b === undefined) return 0;
  if (a instanceof RTimestamp && b instanceof RTimestamp) return a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : 0;
  return null;
}

function floatArith(op: string, x: number, y: number): Value | typeof NO_OP {
  switch (op) {
    case "+":
      return new RFloat(x + y);
    case "-":
      return new RFloat(x - y);
    case "*":
      return new RFloat(x * y);
    case "/":
      return new RFloat(x / y);
    case "%":
      return new RFloat(x % y);
    case "**":
      return new RFloat(x ** y);
  }
  return NO_OP;
}

/**
 * Built-in binary operators (arithmetic, comparison, string/array/map operators).
 * `toStr` renders values for string concatenation. Returns NO_OP when none applies.
 */
export function binaryBuiltin(
  op: string,
  a: Value,
  b: Value,
  toStr: (v: Value) => string,
): Value | typeof NO_OP {
  switch (op) {
    case "==":
      return valuesEqual(a, b);
    case "!=":
      return !valuesEqual(a, b);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      // Rhai defines only == and != on (); ordering comparisons of () are false
      if (a === undefined && b === undefined) return false;
      const c = compareValues(a, b);
      if (c === null) return false;
      return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
    }
  }
  if (isIntV(a) && isIntV(b)) {
    switch (op) {
      case "+":
        return intAdd(a, b);
      case "-":
        return intSub(a, b);
      case "*":
        return intMul(a, b);
      case "/":
        return intDiv(a, b);
      case "%":
        return intMod(a, b);
      case "**":
        return intPow(a, b);
      case "<<":
        return intShl(a, b);
      case ">>":
        return intShr(a, b);
      case "&":
      case "|":
      case "^":
        return bitop(op, a, b);
    }
    return NO_OP;
  }
  const x = asF64(a);
  const y = asF64(b);
  if (x !== null && y !== null) return floatArith(op, x, y);
  if (typeof a === "boolean" && typeof b === "boolean") {
    if (op === "&") return a && b;
    if (op === "|") return a || b;
    if (op === "^") return a !== b;
    return NO_OP;
  }
  if (op === "+") {
    // a blob beside a string is read as lossy UTF-8 (string_more.rs add_append / add_prepend)
    if (typeof a === "string")
      return b === undefined
        ? a
        : a + (typeof b === "string" ? b : b instanceof RBlob ? utf8Lossy(b) : toStr(b));
    if (typeof b === "string")
      return a === undefined ? b : (a instanceof RBlob ? utf8Lossy(a) : toStr(a)) + b;
    if (a instanceof RChar && b instanceof RChar) return a.c + b.c;
    if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
    if (a instanceof Map && b instanceof Map) {
      const m = new Map(a);
      for (const [k, v] of b) m.set(k, v);
      return m;
    }
    if (a instanceof RBlob && b instanceof RBlob) return new RBlob(a.bytes.concat(b.bytes));
    if (a instanceof RTimestamp && x === null && y !== null) return new RTimestamp(a.ms + y * 1000);
  }
  if (op === "-") {
    if (typeof a === "string" && (typeof b === "string" || b instanceof RChar)) {
      const s = typeof b === "string" ? b : b.c;
      return s === "" ? a : a.split(s).join("");
    }
    if (a instanceof RTimestamp && b instanceof RTimestamp) return new RFloat((a.ms - b.ms) / 1000);
    if (a instanceof RTimestamp && y !== null) return new RTimestamp(a.ms - y * 1000);
  }
  return NO_OP;
}

/** A blob's bytes as text, invalid UTF-8 replaced by U+FFFD (Rust's `String::from_utf8_lossy`). */
function utf8Lossy(b: RBlob): string {
  return Buffer.from(b.bytes).toString("utf8");
}
