import type { Position } from "./errors.js";
import { FnPtr, RBlob, RChar, RCustom, RFloat, type RMap, RRange, RTimestamp, type Value } from "./values.js";

/**
 * A parameter type for host functions: `"any"`, a `type_of` name (`"i64"`, `"f64"`, `"bool"`, `"string"`,
 * `"char"`, `"array"`, `"map"`, `"blob"`, `"Fn"`, `"()"`, `"timestamp"`, `"range"`, `"range="`), the aliases
 * `"int"` / `"float"` / `"str"`, or the name of a type registered with `registerType`.
 */
export type ParamType = string;

/** The TypeScript type of the argument that each built-in parameter tag admits (see {@link typeMatcher}). */
export interface ParamTypes {
  any: Value;
  Dynamic: Value;
  i64: number | bigint;
  int: number | bigint;
  INT: number | bigint;
  f64: RFloat;
  float: RFloat;
  FLOAT: RFloat;
  bool: boolean;
  string: string;
  str: string;
  ImmutableString: string;
  char: RChar;
  array: Value[];
  Array: Value[];
  map: RMap;
  Map: RMap;
  blob: RBlob;
  Blob: RBlob;
  Fn: FnPtr;
  FnPtr: FnPtr;
  "()": undefined;
  unit: undefined;
  timestamp: RTimestamp;
  range: RRange;
  "range=": RRange;
}

/** A built-in parameter tag. */
export type BuiltinParamType = keyof ParamTypes;

/**
 * The argument type admitted by the parameter tag `P`: the built-in's type, {@link RCustom} for the name of a
 * registered type, and any {@link Value} when `P` is only known as `string`.
 */
export type ArgType<P extends string> = string extends P
  ? Value
  : P extends BuiltinParamType
    ? ParamTypes[P]
    : RCustom;

/** The (mutable) argument tuple for the tags `Ps`: `["array", "i64"]` → `[Value[], number | bigint]`. */
export type ArgTypes<Ps extends readonly string[]> = { -readonly [K in keyof Ps]: ArgType<Ps[K]> };

/**
 * A host function whose arguments are typed by its parameter tags. Like {@link HostFn}, it may replace
 * `args[0]` (with a value of the same type) to mutate a receiver held in a variable.
 */
export type TypedHostFn<Ps extends readonly string[], C = CallContext> = (
  args: ArgTypes<Ps>,
  ctx: C,
) => Value;

/** What a host function receives besides its arguments. */
export interface CallContext {
  /** Name of the function being called. */
  readonly fnName: string;
  /** Position of the call in the script (null when unknown). */
  readonly position: Position | null;
  /** Calls a script function pointer / closure with arguments (optionally binding `this`). */
  callFn(fn: FnPtr, args: Value[], thisValue?: { v: Value }): Value;
}

/**
 * A host (or built-in) function. `args[0]` is the receiver for method calls; a function may replace
 * `args[0]` to mutate a string/number receiver held in a variable (arrays/maps/blobs are mutated in place).
 * Throw {@link RhaiError} to fail; return `undefined` for `()`.
 */
export type HostFn = (args: Value[], ctx: CallContext) => Value;

type Matcher = (v: Value) => boolean;

export interface NativeFn {
  readonly name: string;
  /** Null = variadic (any arity ≥ minArgs, each "any"). */
  readonly params: readonly ParamType[] | null;
  /** One per parameter; for a variadic function, none or one for the receiver (the first argument). */
  readonly matchers: readonly Matcher[];
  readonly minArgs: number;
  readonly fn: HostFn;
  /** Counts toward the host-call budget. */
  readonly host: boolean;
}

const ANY = (_: Value) => true;

/** Whether each argument passes the matcher at its position (arguments beyond the matchers pass). */
function accepts(matchers: readonly Matcher[], args: readonly Value[]): boolean {
  let j = 0;
  for (const m of matchers) if (!m(args[j++])) return false;
  return true;
}

export function typeMatcher(t: ParamType): Matcher {
  switch (t) {
    case "any":
    case "Dynamic":
      return ANY;
    case "i64":
    case "int":
    case "INT":
      return (v) => typeof v === "number" || typeof v === "bigint";
    case "f64":
    case "float":
    case "FLOAT":
      return (v) => v instanceof RFloat;
    case "bool":
      return (v) => typeof v === "boolean";
    case "string":
    case "str":
    case "ImmutableString":
      return (v) => typeof v === "string";
    case "char":
      return (v) => v instanceof RChar;
    case "array":
    case "Array":
      return (v) => Array.isArray(v);
    case "map":
    case "Map":
      return (v) => v instanceof Map;
    case "blob":
    case "Blob":
      return (v) => v instanceof RBlob;
    case "Fn":
    case "FnPtr":
      return (v) => v instanceof FnPtr;
    case "()":
    case "unit":
      return (v) => v === undefined;
    case "timestamp":
      return (v) => v instanceof RTimestamp;
    case "range":
      return (v) => v instanceof RRange && !v.inclusive;
    case "range=":
      return (v) => v instanceof RRange && v.inclusive;
    default:
      return (v) => v instanceof RCustom && v.typeName === t;
  }
}

/** Overloaded native functions by name and arity; later registrations take precedence. */
export class FnRegistry {
  private readonly byKey = new Map<string, NativeFn[]>();
  private readonly variadic = new Map<string, NativeFn[]>();

  constructor(readonly parent: FnRegistry | null = null) {}

  /**
   * Adds an overload. `params` null = variadic (any arity ≥ `minArgs`); `receiver` then restricts the
   * type of the first argument (methods of a custom type).
   */
  add(
    name: string,
    params: readonly ParamType[] | null,
    fn: HostFn,
    host = false,
    minArgs = 0,
    receiver?: ParamType,
  ): void {
    const nf: NativeFn = {
      name,
      params,
      matchers: params ? params.map(typeMatcher) : receiver ? [typeMatcher(receiver)] : [],
      minArgs,
      fn,
      host,
    };
    const map = params ? this.byKey : this.variadic;
    const key = params ? `${name}/${params.length}` : name;
    const list = map.get(key);
    if (list) list.unshift(nf);
    else map.set(key, [nf]);
  }

  /** Finds the overload for these arguments (null when none). */
  resolve(name: string, args: readonly Value[]): NativeFn | null {
    const list = this.byKey.get(`${name}/${args.length}`);
    if (list) for (const f of list) if (accepts(f.matchers, args)) return f;
    const vl = this.variadic.get(name);
    if (vl) for (const f of vl) if (args.length >= f.minArgs && accepts(f.matchers, args)) return f;
    return this.parent ? this.parent.resolve(name, args) : null;
  }

  /** Whether any overload has this name (and arity, when given). */
  has(name: string, arity?: number): boolean {
    if (arity !== undefined) {
      if (this.byKey.has(`${name}/${arity}`)) return true;
      const vl = this.variadic.get(name);
      if (vl?.some((f) => arity >= f.minArgs)) return true;
    } else {
      if (this.variadic.has(name)) return true;
      for (const k of this.byKey.keys()) if (k.startsWith(`${name}/`)) return true;
    }
    return this.parent ? this.parent.has(name, arity) : false;
  }
}
