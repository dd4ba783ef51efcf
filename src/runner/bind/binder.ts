import { isSigrunError } from "../../core/index.js";
import { HostError } from "../../host/index.js";
import type {
  CallContext,
  CustomTypeSpec,
  Engine,
  HostFn,
  HostOverload,
  ModuleSpec,
  ParamType,
  Value,
} from "../../script/index.js";
import { RhaiError, V } from "../../script/index.js";

/** Converts a host failure into the error a script sees (Rex: a catchable map, or a plain string). */
export function toScriptError(err: unknown): unknown {
  if (err instanceof RhaiError) return err;
  if (err instanceof HostError) {
    if (err.plain) return RhaiError.runtime(V.str(err.message), err.message);
    return RhaiError.runtime(
      V.map({ kind: V.str(err.kind), message: V.str(err.message), source: V.str(err.source) }),
      err.message,
    );
  }
  if (isSigrunError(err))
    return new RhaiError(err.code === "LIMIT_EXCEEDED" ? "ErrorDataTooLarge" : "ErrorRuntime", err.message);
  const msg = err instanceof Error ? err.message : String(err);
  return RhaiError.runtime(
    V.map({ kind: V.str("Other"), message: V.str(msg), source: V.str("IoErrorKind") }),
    msg,
  );
}

// biome-ignore lint/suspicious/noConfusingVoidType: host functions may return nothing (unit)
type UnitFn = (args: Value[], ctx: CallContext) => Value | void;

function guard(fn: HostFn): HostFn {
  return (args: Value[], ctx: CallContext) => {
    try {
      return fn(args, ctx);
    } catch (err) {
      throw toScriptError(err);
    }
  };
}

/**
 * Registers host functions, types and modules into an engine and remembers every name, so a test can
 * enumerate the registry (each name needs a permitted and a denied test).
 */
export class Binder {
  readonly engine: Engine;
  /** Registered script-visible names: `fn`, `Type.method`, `Type.prop`, `module::item`. */
  readonly names = new Set<string>();

  constructor(engine: Engine) {
    this.engine = engine;
  }

  fn(name: string, params: readonly ParamType[], impl: UnitFn): this {
    this.names.add(name);
    this.engine.registerFn(
      name,
      params,
      guard((args, ctx) => impl(args, ctx) ?? undefined),
    );
    return this;
  }

  type(name: string, spec: CustomTypeSpec): this {
    const methods: Record<string, HostFn | readonly HostOverload[]> = {};
    for (const [m, impl] of Object.entries(spec.methods ?? {})) {
      this.names.add(`${name}.${m}`);
      methods[m] =
        typeof impl === "function" ? guard(impl) : impl.map((o) => ({ params: o.params, fn: guard(o.fn) }));
    }
    const getters: Record<string, (self: Value) => Value> = {};
    for (const [p, g] of Object.entries(spec.getters ?? {})) {
      this.names.add(`${name}.${p}`);
      getters[p] = (self) => {
        try {
          return g(self);
        } catch (err) {
          throw toScriptError(err);
        }
      };
    }
    this.engine.registerType(name, { ...spec, methods, getters });
    return this;
  }

  module(name: string, spec: ModuleSpec): this {
    const functions: Record<string, HostFn | readonly HostOverload[]> = {};
    for (const [f, impl] of Object.entries(spec.functions ?? {})) {
      this.names.add(`${name}::${f}`);
      functions[f] =
        typeof impl === "function" ? guard(impl) : impl.map((o) => ({ params: o.params, fn: guard(o.fn) }));
    }
    for (const c of Object.keys(spec.constants ?? {})) this.names.add(`${name}::${c}`);
    this.engine.registerModule(name, { constants: spec.constants, functions });
    return this;
  }
}

/** Reads a custom value's data, failing like Rex for the wrong type. */
export function data<T>(v: Value, type: string): T {
  return V.asCustom<T>(v, type);
}

export const str = (v: Value): string => V.asString(v);
export const bool = (v: Value): boolean => V.asBool(v);
/** INT as a JS number (host-side counts and sizes; exact below 2^53). */
export const num = (v: Value): number => V.asNumber(v);
