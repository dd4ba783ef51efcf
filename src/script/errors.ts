import type { Value } from "./values.js";

/** A 1-based source position; `null` when none applies. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Runtime error kinds, named as Rhai's `EvalAltResult` variants; parse errors are `ParseError:<kind>`. */
export type ErrorKind =
  | "ErrorSystem"
  | "ErrorParsing"
  | "ErrorVariableExists"
  | "ErrorForbiddenVariable"
  | "ErrorVariableNotFound"
  | "ErrorPropertyNotFound"
  | "ErrorIndexNotFound"
  | "ErrorFunctionNotFound"
  | "ErrorModuleNotFound"
  | "ErrorInFunctionCall"
  | "ErrorInModule"
  | "ErrorUnboundThis"
  | "ErrorMismatchDataType"
  | "ErrorMismatchOutputType"
  | "ErrorIndexingType"
  | "ErrorArrayBounds"
  | "ErrorStringBounds"
  | "ErrorBitFieldBounds"
  | "ErrorFor"
  | "ErrorDataRace"
  | "ErrorNonPureMethodCallOnConstant"
  | "ErrorAssignmentToConstant"
  | "ErrorDotExpr"
  | "ErrorArithmetic"
  | "ErrorTooManyOperations"
  | "ErrorTooManyVariables"
  | "ErrorTooManyModules"
  | "ErrorStackOverflow"
  | "ErrorDataTooLarge"
  | "ErrorTerminated"
  | "ErrorCustomSyntax"
  | "ErrorRuntime"
  | "Exit"
  | `ParseError:${string}`
  | (string & {});

const UNCATCHABLE = new Set([
  "ErrorSystem",
  "ErrorTooManyOperations",
  "ErrorTooManyModules",
  "ErrorTooManyVariables",
  "ErrorStackOverflow",
  "ErrorDataTooLarge",
  "ErrorTerminated",
  "ErrorCustomSyntax",
  "Exit",
]);

/**
 * A Rhai error. Thrown inside the engine (and by host functions); the engine catches every one and
 * returns it as `{ ok: false, error }`. Host functions raise catchable script errors with
 * {@link RhaiError.runtime} (the value `try … catch (e)` sees) or a kind with `new RhaiError(kind, msg)`.
 */
export class RhaiError extends Error {
  kind: ErrorKind;
  position: Position | null;
  /** The thrown value for `ErrorRuntime`. */
  value: Value;
  /** The nested error for `ErrorInFunctionCall` / `ErrorInModule`. */
  inner: RhaiError | null;
  /** Internal: a bare `throw;` (rethrow the caught error inside `catch`). */
  rethrow = false;

  constructor(
    kind: ErrorKind,
    message: string,
    opts: { position?: Position | null; value?: Value; inner?: RhaiError | null } = {},
  ) {
    super(message);
    this.name = "RhaiError";
    this.kind = kind;
    this.position = opts.position ?? null;
    this.value = opts.value;
    this.inner = opts.inner ?? null;
  }

  /** A catchable runtime error carrying `value` (as the script statement `throw value` does). */
  static runtime(value: Value, message?: string): RhaiError {
    return new RhaiError("ErrorRuntime", message ?? "runtime error", { value });
  }

  /** Whether `try … catch` can intercept this error (limit and system errors cannot). */
  get catchable(): boolean {
    return !UNCATCHABLE.has(this.kind) && !this.kind.startsWith("ParseError:");
  }
}

/**
 * `exit(v)`: a pseudo-error (Rhai's `EvalAltResult::Exit`) that no `catch` intercepts and no function
 * call wraps; the engine turns it into the run's result `v`.
 */
export function exitRequest(value: Value, position: Position): RhaiError {
  return new RhaiError("Exit", "exit", { position, value });
}

/** Formats a position as Rhai does in the corpus: `L:C`. */
export function formatPosition(p: Position | null): string {
  return p === null ? "none" : `${p.line}:${p.column}`;
}

/** Plain-data view of an error, as returned by evaluation. */
export interface ScriptErrorInfo {
  readonly kind: string;
  readonly message: string;
  readonly position: Position | null;
  /** The thrown value for `ErrorRuntime` (`throw v`). */
  readonly value?: Value;
  readonly inner?: ScriptErrorInfo;
}

export function errorInfo(e: RhaiError): ScriptErrorInfo {
  const out: {
    kind: string;
    message: string;
    position: Position | null;
    value?: Value;
    inner?: ScriptErrorInfo;
  } = { kind: e.kind, message: e.message, position: e.position };
  if (e.kind === "ErrorRuntime") out.value = e.value;
  if (e.inner) out.inner = errorInfo(e.inner);
  return out;
}
