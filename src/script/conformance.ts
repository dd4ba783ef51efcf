import { Engine } from "./engine.js";
import { formatPosition } from "./errors.js";
import type { Limits } from "./limits.js";
import type { EngineOptions } from "./options.js";
import { Scope } from "./scope.js";
import { FnPtr, RBlob, RChar, RCustom, RFloat, RRange, RTimestamp, typeName, type Value } from "./values.js";

/** Encodes a value in the conformance corpus's JSON form (`$i64`, `$f64`, `$char`, `$blob`). */
export function encodeValue(v: Value): unknown {
  if (v === undefined) return null;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return { $i64: v.toString() };
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof RFloat) return { $f64: Number.isFinite(v.v) ? v.v : String(v.v) };
  if (v instanceof RChar) return { $char: v.c };
  if (v instanceof RBlob) return { $blob: [...v.bytes] };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v instanceof Map) {
    const o: Record<string, unknown> = Object.create(null);
    for (const k of [...v.keys()].sort()) o[k] = encodeValue(v.get(k));
    return o;
  }
  if (v instanceof FnPtr) return { $fn: v.name };
  if (v instanceof RRange) return { $range: `${v.start}${v.inclusive ? "..=" : ".."}${v.end}` };
  if (v instanceof RTimestamp) return { $timestamp: true };
  if (v instanceof RCustom) return { $custom: v.typeName };
  return null;
}

/** Decodes the corpus's JSON form into a value. */
export function decodeValue(x: unknown): Value {
  if (x === null || x === undefined) return undefined;
  if (typeof x === "number") return Number.isInteger(x) ? x : new RFloat(x);
  if (typeof x === "string" || typeof x === "boolean") return x;
  if (Array.isArray(x)) return x.map(decodeValue);
  if (typeof x === "object") {
    const o = x as Record<string, unknown>;
    if (typeof o.$i64 === "string") {
      const b = BigInt(o.$i64);
      return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
    }
    if ("$f64" in o) return new RFloat(Number(o.$f64));
    if (typeof o.$char === "string") return new RChar(o.$char);
    if (Array.isArray(o.$blob)) return new RBlob((o.$blob as number[]).map((b) => b & 0xff));
    const m = new Map<string, Value>();
    for (const k of Object.keys(o)) m.set(k, decodeValue(o[k]));
    return m;
  }
  return undefined;
}

const LIMIT_KEYS: Record<string, keyof Limits> = {
  max_operations: "maxOperations",
  max_call_levels: "maxCallLevels",
  max_string_size: "maxStringSize",
  max_array_size: "maxArraySize",
  max_map_size: "maxMapSize",
  max_variables: "maxVariables",
  max_functions: "maxFunctions",
  max_modules: "maxModules",
  max_expr_depth: "maxExprDepth",
  max_function_expr_depth: "maxFunctionExprDepth",
};

const OPTION_KEYS: Record<string, keyof EngineOptions> = {
  allow_if_expression: "allowIfExpression",
  allow_statement_expression: "allowStatementExpression",
  allow_anonymous_fn: "allowAnonymousFn",
  allow_looping: "allowLooping",
  allow_loop_expressions: "allowLoopExpressions",
  allow_shadowing: "allowShadowing",
  strict_variables: "strictVariables",
  fail_on_invalid_map_property: "failOnInvalidMapProperty",
};

/** Rhai's defaults as used by the corpus (unlimited sizes; debug-build call levels are pinned per case). */
const CORPUS_BASE: Partial<Limits> = {
  maxOperations: 0,
  maxStringSize: 0,
  maxArraySize: 0,
  maxMapSize: 0,
  maxVariables: 0,
  maxFunctions: 0,
  maxModules: 0,
  maxExprDepth: 64,
  maxFunctionExprDepth: 32,
  maxCallLevels: 64,
  maxWallMs: 10_000,
  maxHostCalls: 0,
};

/** Runs one corpus case line (already parsed); returns the output object of `rhai eval --jsonl`. */
export function runCase(c: Record<string, unknown>): Record<string, unknown> {
  const id = c.id ?? null;
  try {
    const limits: Partial<Limits> = { ...CORPUS_BASE };
    for (const [k, v] of Object.entries((c.limits as Record<string, number>) ?? {})) {
      const key = LIMIT_KEYS[k];
      if (key && typeof v === "number") limits[key] = v;
    }
    // the corpus runs Rhai's Engine::new(), where eval is available
    const options: Partial<EngineOptions> = { allowEval: true };
    for (const [k, v] of Object.entries((c.options as Record<string, boolean>) ?? {})) {
      const key = OPTION_KEYS[k];
      if (key && typeof v === "boolean") options[key] = v;
    }
    const prints: string[] = [];
    const debugs: string[] = [];
    const engine = new Engine({
      limits,
      options,
      onPrint: (t) => prints.push(t),
      onDebug: (t) => debugs.push(t),
    });
    const scope = new Scope();
    for (const s of (c.scope as { name: string; value: unknown; constant?: boolean }[]) ?? []) {
      if (s.constant) scope.pushConstant(s.name, decodeValue(s.value));
      else scope.push(s.name, decodeValue(s.value));
    }
    const src = String(c.source ?? "");
    const mode = String(c.mode ?? "eval");
    const expression = mode === "expression" || mode === "compile_expression";
    const compiled = engine.compile(src, { scope, expression });
    let result: ReturnType<Engine["run"]>;
    if (!compiled.ok) result = compiled;
    else if (mode === "compile" || mode === "compile_expression") result = { ok: true, value: undefined };
    else result = engine.run(compiled.program, scope);
    if (result.ok) {
      const out: Record<string, unknown> = {
        id,
        value: encodeValue(result.value),
        type: typeName(result.value) === "()" ? "unit" : typeName(result.value),
        prints,
      };
      if (debugs.length > 0) out.debug = debugs;
      return out;
    }
    const e = result.error;
    const error: Record<string, unknown> = {
      kind: e.kind,
      message: e.message,
      position: formatPosition(e.position),
    };
    if (e.inner) error.inner = e.inner.kind;
    if (e.kind === "ErrorRuntime") error.value = encodeValue(e.value);
    return { id, error, prints };
  } catch (err) {
    return {
      id,
      error: { kind: "ErrorSystem", message: String((err as Error)?.message ?? err), position: "none" },
    };
  }
}
