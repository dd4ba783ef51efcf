/**
 * sigrun's Rhai interpreter: a faithful, sandboxed implementation of the Rhai scripting language.
 *
 * ```ts
 * const engine = new Engine({ options: { strictVariables: true }, disabledSymbols: ["eval", "print"] });
 * engine.registerFn("cat", ["string"], ([p]) => V.str(readFile(p as string)));
 * engine.registerModule("IoErrorKind", { constants: { NotFound: V.str("NotFound") } });
 * const scope = new Scope().pushConstant("path", V.str("/tmp/x"));
 * const r = engine.eval("cat(path)", scope); // { ok: true, value } | { ok: false, error }
 * ```
 *
 * Values are plain data (see {@link Value}); build and inspect them with {@link V}. A host function
 * raises a script-catchable error with `throw RhaiError.runtime(value)` (what `catch (e)` sees) or a
 * plain error kind with `throw new RhaiError("ErrorRuntime" | …, message)`.
 */

export type { ParsedScript } from "./ast.js";
export type { ScriptCall } from "./calls.js";
export { scriptCalls } from "./calls.js";
export type {
  CompileResult,
  CustomTypeSpec,
  EngineConfig,
  EvalResult,
  HostOverload,
  ModuleSpec,
  ParseResult,
  RunOptions,
} from "./engine.js";
export { Engine, Program } from "./engine.js";
export type { ErrorKind, Position, ScriptErrorInfo } from "./errors.js";
export { formatPosition, RhaiError } from "./errors.js";
export { toDebug, toDisplay } from "./format.js";
export type { Limits } from "./limits.js";
export { DEFAULT_LIMITS } from "./limits.js";
export type { EngineOptions } from "./options.js";
export { DEFAULT_OPTIONS } from "./options.js";
export type { CallContext, HostFn, ParamType } from "./registry.js";
export { Scope } from "./scope.js";
export { V } from "./value-api.js";
export type { RMap, Value } from "./values.js";
export { FnPtr, RBlob, RChar, RCustom, RFloat, RRange, RTimestamp, typeName } from "./values.js";
