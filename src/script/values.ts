/**
 * Rhai values as plain TypeScript data. Representation (chosen for speed):
 * INT = JS number when |v| ≤ 2^53−1, else bigint (always within i64); FLOAT = {@link RFloat};
 * bool = boolean; string = string; char = {@link RChar}; unit = undefined; array = Value[];
 * map = Map<string, Value> (never a plain object, so `__proto__` keys are inert); blob = {@link RBlob};
 * ranges = {@link RRange}; function pointers = {@link FnPtr}; timestamps = {@link RTimestamp};
 * host objects = {@link RCustom}.
 */
export type Value =
  | undefined
  | boolean
  | number
  | bigint
  | string
  | RFloat
  | RChar
  | Value[]
  | RMap
  | RBlob
  | RRange
  | FnPtr
  | RTimestamp
  | RCustom;

/** An object map: keys are strings; iteration order for scripts is sorted key order. */
export type RMap = Map<string, Value>;

/** A Rhai FLOAT (f64). */
export class RFloat {
  constructor(readonly v: number) {}
}

/** A Rhai char: exactly one Unicode scalar value (one or two UTF-16 units). */
export class RChar {
  constructor(readonly c: string) {}
}

/** A Rhai BLOB: a growable byte array (each element 0..255). */
export class RBlob {
  constructor(public bytes: number[] = []) {}
  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** An integer range `a..b` or `a..=b`. */
export class RRange {
  constructor(
    readonly start: number | bigint,
    readonly end: number | bigint,
    readonly inclusive: boolean,
  ) {}
}

/** A timestamp (monotonic milliseconds). */
export class RTimestamp {
  constructor(readonly ms: number) {}
}

/** An opaque host object of a registered custom type; `type_of` gives `typeName`. */
export class RCustom {
  constructor(
    readonly typeName: string,
    public data: unknown,
  ) {}
}

/** Internal: a script closure (anonymous function) with captured shared cells. */
export interface ClosureImpl {
  readonly params: readonly string[];
  readonly fnName: string;
  /** Invokes the closure; implemented by the compiler. */
  readonly invoke: (ctx: unknown, thisRef: { v: Value } | null, args: Value[]) => Value;
  /** Shared variables the closure captured (for data-race detection). */
  readonly cells?: readonly Cell[];
}

/** A function pointer (`Fn("name")`, a closure, possibly with curried arguments). */
export class FnPtr {
  constructor(
    readonly name: string,
    readonly curry: readonly Value[] = [],
    readonly closure: ClosureImpl | null = null,
  ) {}
}

/** A mutable cell: storage of a variable shared with closures. */
export class Cell {
  constructor(public v: Value) {}
}

export const I64_MAX = 9223372036854775807n;
export const I64_MIN = -9223372036854775808n;

/** Normalises a bigint inside i64 range to the canonical INT representation (number when safe). */
export function normInt(b: bigint): number | bigint {
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

export function isInt(v: Value): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

/** Rhai's `type_of` name of a value. */
export function typeName(v: Value): string {
  switch (typeof v) {
    case "number":
    case "bigint":
      return "i64";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "undefined":
      return "()";
  }
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "map";
  if (v instanceof RFloat) return "f64";
  if (v instanceof RChar) return "char";
  if (v instanceof FnPtr) return "Fn";
  if (v instanceof RBlob) return "blob";
  if (v instanceof RRange) return v.inclusive ? "range=" : "range";
  if (v instanceof RTimestamp) return "timestamp";
  if (v instanceof RCustom) return v.typeName;
  return "?";
}

/** Deep copy of containers (Rhai copies values on assignment); scalars are returned as is. */
export function cloneValue(v: Value): Value {
  if (typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const out = new Array<Value>(v.length);
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      out[i] = typeof e === "object" ? cloneValue(e) : e;
    }
    return out;
  }
  if (v instanceof Map) {
    const m: RMap = new Map();
    for (const [k, e] of v) m.set(k, typeof e === "object" ? cloneValue(e) : e);
    return m;
  }
  if (v instanceof RBlob) return new RBlob(v.bytes.slice());
  return v;
}

/** Sorted keys of a map (Rhai maps are BTreeMaps). */
export function sortedKeys(m: RMap): string[] {
  const keys = [...m.keys()];
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys;
}
