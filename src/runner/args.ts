import { SigrunError } from "../core/index.js";
import { JsonNumber, type LosslessJson, parseLosslessJson } from "./json-lossless.js";

/** A script argument after decoding Rex's tagged JSON (engine-neutral). */
export type ScriptArg =
  | { kind: "string"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "float"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "array"; value: ScriptArg[] }
  | { kind: "map"; value: Map<string, ScriptArg> };

/** Rex: arguments nested deeper than 2 are refused. */
export const MAX_ARG_DEPTH = 2;
export const MAX_ARGS_BYTES = 1024 * 1024;

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bad(msg: string): never {
  throw new SigrunError("INPUT_INVALID", msg);
}

function intOf(v: LosslessJson, name: string, min: bigint, max: bigint, tag: string): bigint {
  if (!(v instanceof JsonNumber) || !v.isInteger()) bad(`argument '${name}': ${tag} expects an integer`);
  const n = BigInt(v.text);
  if (n < min || n > max) bad(`argument '${name}': ${tag} out of range`);
  return n;
}

function isObject(v: LosslessJson): v is { [k: string]: LosslessJson } {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** Rex's `validate_script_argument_value_depth`: the value is at depth 1, its items at depth 2 … */
function depthOk(a: ScriptArg, depth: number): boolean {
  if (depth > MAX_ARG_DEPTH) return false;
  if (a.kind === "array") return a.value.every((x) => depthOk(x, depth + 1));
  if (a.kind === "map") return [...a.value.values()].every((x) => depthOk(x, depth + 1));
  return true;
}

function decode(v: LosslessJson, name: string): ScriptArg {
  if (!isObject(v)) bad(`argument '${name}': expected a tagged value object`);
  const keys = Object.keys(v);
  if (keys.length !== 1) bad(`argument '${name}': expected exactly one tag, got ${keys.length}`);
  const tag = keys[0]!;
  const inner = v[tag]!;
  switch (tag) {
    case "stringValue":
      if (typeof inner !== "string") bad(`argument '${name}': stringValue expects a string`);
      return { kind: "string", value: inner };
    case "integerValue":
      return { kind: "int", value: intOf(inner, name, I32_MIN, I32_MAX, tag) };
    case "longValue":
      return { kind: "int", value: intOf(inner, name, I64_MIN, I64_MAX, tag) };
    case "doubleValue":
      if (!(inner instanceof JsonNumber)) bad(`argument '${name}': doubleValue expects a number`);
      return { kind: "float", value: Number(inner.text) };
    case "booleanValue":
      if (typeof inner !== "boolean") bad(`argument '${name}': booleanValue expects a boolean`);
      return { kind: "bool", value: inner };
    case "listValue":
      if (!Array.isArray(inner)) bad(`argument '${name}': listValue expects an array`);
      return { kind: "array", value: inner.map((x) => decode(x, name)) };
    case "mapValue": {
      if (!isObject(inner)) bad(`argument '${name}': mapValue expects an object`);
      const m = new Map<string, ScriptArg>();
      for (const [k, x] of Object.entries(inner)) m.set(k, decode(x, name));
      return { kind: "map", value: m };
    }
    default:
      return bad(`argument '${name}': unknown tag ${JSON.stringify(tag)}`);
  }
}

/** Thrown for Rex's depth rule (the runner reports it as VALIDATION_EXCEPTION). */
export class ArgumentDepthError extends SigrunError {
  constructor(name: string) {
    super("INPUT_INVALID", `Argument '${name}': Maximum nesting depth of ${MAX_ARG_DEPTH} exceeded`);
  }
}

/**
 * Decodes Rex's script-arguments file: an object of variable name → tagged value. `longValue` keeps
 * all 64 bits. Names must be Rhai identifiers (they become variables).
 */
export function parseScriptArgs(text: string): Map<string, ScriptArg> {
  if (Buffer.byteLength(text, "utf8") > MAX_ARGS_BYTES)
    bad(`script arguments: expected at most ${MAX_ARGS_BYTES} bytes`);
  const json = parseLosslessJson(text, "script arguments");
  if (!isObject(json)) bad("script arguments: expected a JSON object");
  const out = new Map<string, ScriptArg>();
  for (const [name, v] of Object.entries(json)) {
    if (!IDENT.test(name)) bad(`script arguments: '${name}' is not a valid variable name`);
    out.set(name, decode(v, name));
  }
  return out;
}

/** Rex's nesting rule, checked after decoding (separately, so the error type can differ). */
export function checkArgDepth(args: Map<string, ScriptArg>): void {
  for (const [name, a] of args) if (!depthOk(a, 1)) throw new ArgumentDepthError(name);
}

/** Plain JS form of script arguments (as given to `runScript` by library callers): tagged JSON value. */
export function scriptArgsFromValue(value: unknown): Map<string, ScriptArg> {
  if (value === undefined || value === null) return new Map();
  if (typeof value === "string") return parseScriptArgs(value);
  return parseScriptArgs(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `__bigint__${v.toString()}` : v)).replace(
      /"__bigint__(-?\d+)"/g,
      "$1",
    ),
  );
}
