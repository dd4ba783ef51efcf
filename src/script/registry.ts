import type { Position } from "./errors.js";
import { FnPtr, RBlob, RChar, RCustom, RFloat, RRange, RTimestamp, type Value } from "./values.js";

/**
 * A parameter type for host functions: `"any"`, a `type_of` name (`"i64"`, `"f64"`, `"bool"`, `"string"`,
 * `"char"`, `"array"`, `"map"`, `"blob"`, `"Fn"`, `"()"`, `"timestamp"`, `"range"`, `"range="`), the aliases
 * `"int"` / `"float"` / `"str"`, or the name of a type registered with `registerType`.
 */
export type ParamType = string;

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

export interface NativeFn {
  readonly name: string;
  /** Null = variadic (any arity ≥ minArgs, each "any"). */
  readonly params: readonly ParamType[] | null;
  readonly matchers: ((v: Value) => boolean)[] | null;
  readonly minArgs: number;
  readonly fn: HostFn;
  /** Counts toward the host-call budget. */
  readonly host: boolean;
}

const ANY = (_: Value) => true;

export function typeMatcher(t: ParamType): (v: Value) => boolean {
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
      matchers: params ? params.map(typeMatcher) : receiver ? [typeMatcher(receiver)] : null,
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
    if (list) {
      outer: for (const nf of list) {
        let j = 0;
        for (const match of nf.matchers ?? []) if (!match(args[j++])) continue outer;
        return nf;
      }
    }
    const vl = this.variadic.get(name);
    if (vl)
      for (const f of vl) if (args.length >= f.minArgs && (f.matchers?.[0]?.(args[0]) ?? true)) return f;
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
