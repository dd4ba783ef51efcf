import type { FnDef, ScriptFnDef } from "./ast.js";
import { type Position, RhaiError } from "./errors.js";
import type { Limits } from "./limits.js";
import { HARD_MAX_CALL_LEVELS } from "./limits.js";
import type { EngineOptions } from "./options.js";
import type { CallContext, FnRegistry, NativeFn } from "./registry.js";
import type { Scope } from "./scope.js";
import { Cell, type ClosureImpl, type FnPtr, RFloat, type Value } from "./values.js";

export const BREAK = 1;
export const CONTINUE = 2;
export const RETURN = 3;

/**
 * One frame slot: a variable's value, or the {@link Cell} shared with closures when the parser marked
 * the variable captured (`Decl.captured`).
 */
export type Slot = Value | Cell;
/** A function frame: slot 0 holds `this` (or UNBOUND), then one slot per declared variable. */
export type Frame = Slot[];
/** A compiled node. */
export type Ev = (rt: Runtime, f: Frame) => Value;

const unbound: Value[] = [];
Object.freeze(unbound);
/** Marker for an unbound `this` (a frozen array no script value is identical to). */
export const UNBOUND: Value = unbound;

/**
 * The value of a variable the parser did not mark captured (`Decl.captured` false): its slot holds the
 * value itself, never a Cell (captured variables are read through {@link cellAt}). This is the one
 * place that narrows a slot to a value; a check here would cost every variable read (fib(25): ~1.5×).
 */
export function valueAt(f: Frame, s: number): Value {
  return f[s] as Value;
}

/** The cell of a captured variable. */
export function cellAt(f: Frame, s: number): Cell {
  const c = f[s];
  if (c instanceof Cell) return c;
  throw new RhaiError("ErrorSystem", "internal error: a captured variable has no cell");
}

/** Access to a caller's variables by name (for `foo!(…)`). */
export interface DynScope {
  depth: number;
  lookup(name: string): { get(): Value; set(v: Value): void } | null;
}

export interface CompiledFn {
  readonly def: ScriptFnDef;
  readonly name: string;
  readonly arity: number;
  frameSize: number;
  body: Ev;
  /** Frame slots of parameters and whether each is captured (Cell). */
  paramSlots: number[];
  paramCells: boolean[];
}

export interface StaticModule {
  constants: Map<string, Value>;
  fns: FnRegistry;
}

/** What the engine provides to a run. */
export interface EngineCore {
  readonly registry: FnRegistry;
  readonly modules: Map<string, StaticModule>;
  readonly options: EngineOptions;
  /** Compiles source for `eval` (only when the host enables eval). */
  readonly compileEval?: (source: string, parent: ProgramCode) => ProgramCode;
  print(text: string): void;
  debug(text: string, pos: Position | null): void;
}

export interface ProgramCode {
  main: Ev;
  /** Top-level variables (name, frame slot, stored in a Cell). */
  topVars: { name: string; slot: number; captured: boolean }[];
  mainFrameSize: number;
  fns: Map<string, CompiledFn>;
  fnNames: Set<string>;
  /** Every function the script defines, closures included (for `get_fn_metadata_list`). */
  fnDefs: readonly FnDef[];
}

/** Per-run evaluation state. Also the CallContext handed to host functions. */
export class Runtime implements CallContext {
  ops = 0;
  /** Next ops count at which `tick` runs (limit or clock check). */
  opsCheck: number;
  flow = 0;
  flowValue: Value = undefined;
  depth = 0;
  hostCalls = 0;
  fnName = "";
  position: Position | null = null;
  readonly maxCallLevels: number;
  /** Wall-clock deadline (`Date.now()` ms): now + maxWallMs, or the caller's (RunOptions.deadline). */
  deadline: number;
  readonly globals = new Map<string, Value>();
  /** The caller's variables for a `foo!(…)` call, valid at call depth `dyn.depth`. */
  dyn: DynScope | null = null;
  /** Variables introduced by `eval` into a frame (by frame). */
  evalVars: WeakMap<Frame, Map<string, Value>> | null = null;
  /** Live variables (tracked only when maxVars > 0). */
  vars = 0;
  readonly maxVars: number;
  /** Whether any data-size limit applies (checks are skipped otherwise). */
  readonly sizeLimited: boolean;

  constructor(
    readonly core: EngineCore,
    readonly code: ProgramCode,
    readonly limits: Limits,
    readonly scope: Scope | null,
  ) {
    const lv = limits.maxCallLevels;
    this.maxCallLevels = lv > 0 ? Math.min(lv, HARD_MAX_CALL_LEVELS) : HARD_MAX_CALL_LEVELS;
    this.deadline = limits.maxWallMs > 0 ? Date.now() + limits.maxWallMs : Number.POSITIVE_INFINITY;
    this.opsCheck = this.nextCheck();
    this.maxVars = limits.maxVariables;
    this.vars = scope ? scope.size : 0;
    this.sizeLimited = limits.maxStringSize > 0 || limits.maxArraySize > 0 || limits.maxMapSize > 0;
  }

  countVar(n = 1): void {
    this.vars += n;
    if (this.vars > this.maxVars) throw new RhaiError("ErrorTooManyVariables", "too many variables");
  }

  private nextCheck(): number {
    const step = this.ops + 8192;
    const max = this.limits.maxOperations;
    return max > 0 && max < step ? max : step;
  }

  /** Slow path of operation counting: the ops limit and the wall clock. */
  tick(): void {
    const max = this.limits.maxOperations;
    if (max > 0 && this.ops > max) throw new RhaiError("ErrorTooManyOperations", "too many operations");
    if (Date.now() > this.deadline) throw new RhaiError("ErrorTerminated", "script terminated: time limit");
    this.opsCheck = this.nextCheck();
  }

  /** Counts `n` operations at once (e.g. literal elements, bulk native work). */
  addOps(n: number): void {
    this.ops += n;
    if (this.ops > this.opsCheck) this.tick();
  }

  countHostCall(): void {
    const max = this.limits.maxHostCalls;
    if (max > 0 && ++this.hostCalls > max)
      throw new RhaiError("ErrorTooManyOperations", "too many host function calls");
  }

  /** Calls a native function, setting the context fields and positioning errors. */
  callNative(nf: NativeFn, args: Value[], pos: Position | null): Value {
    if (nf.host) this.countHostCall();
    this.fnName = nf.name;
    this.position = pos;
    let r: Value;
    try {
      r = nf.fn(args, this);
    } catch (e) {
      if (nf.host) this.checkDeadline();
      throw positioned(e, pos);
    }
    if (!nf.host) return r;
    this.checkDeadline();
    return sanitizeHostValue(r);
  }

  /**
   * After a host call: one that waited past the wall clock (a child process or a request, cut off at the
   * deadline) ends the run here, whatever it returned or threw, instead of the script going on (or
   * catching the error) until the next operation check.
   */
  private checkDeadline(): void {
    if (Date.now() > this.deadline) throw new RhaiError("ErrorTerminated", "script terminated: time limit");
  }

  /** Calls a script function. `thisRef` binds `this` by reference (method calls). */
  callScript(fn: CompiledFn, args: Value[], thisRef: { v: Value } | null, pos: Position | null): Value {
    const f: Frame = new Array(fn.frameSize);
    f[0] = thisRef ? thisRef.v : UNBOUND;
    let i = 0;
    for (const s of fn.paramSlots) {
      const a = args[i];
      f[s] = fn.paramCells[i++] ? new Cell(a) : a;
    }
    const v = this.enter(fn, f, pos);
    if (thisRef) thisRef.v = valueAt(f, 0);
    return v;
  }

  /** Runs a script function body in a prepared frame (parameters already bound). */
  enter(fn: CompiledFn, f: Frame, pos: Position | null): Value {
    if (++this.depth > this.maxCallLevels) {
      this.depth--;
      throw new RhaiError("ErrorStackOverflow", `stack overflow: function '${fn.name}'`, { position: pos });
    }
    if (++this.ops > this.opsCheck) this.tick();
    const savedVars = this.vars;
    if (this.maxVars !== 0) this.countVar(fn.paramSlots.length);
    let v: Value;
    try {
      v = fn.body(this, f);
    } catch (e) {
      this.flow = 0;
      this.depth--;
      this.vars = savedVars;
      throw wrapInFunction(e, fn.name, pos);
    }
    if (this.flow !== 0) {
      if (this.flow === RETURN) v = this.flowValue;
      this.flow = 0;
    }
    this.depth--;
    this.vars = savedVars;
    return v;
  }

  /** CallContext: calls a function pointer (closure or named function). */
  callFn(fp: FnPtr, args: Value[], thisRef?: { v: Value }): Value {
    return callFnPtr(this, fp, args, thisRef ?? null, this.position);
  }
}

/** Wraps an error escaping a script function as `ErrorInFunctionCall` (system errors pass through). */
export function wrapInFunction(e: unknown, name: string, pos: Position | null): unknown {
  if (!(e instanceof RhaiError)) return e;
  if (!e.catchable) {
    if (e.position === null) e.position = pos;
    return e;
  }
  return new RhaiError("ErrorInFunctionCall", `error in call to function '${name}': ${e.message}`, {
    position: pos,
    inner: e,
  });
}

/** Calls a function pointer: closure, script function by name, or native by name. */
export function callFnPtr(
  rt: Runtime,
  fp: FnPtr,
  args: Value[],
  thisRef: { v: Value } | null,
  pos: Position | null,
): Value {
  const all = fp.curry.length > 0 ? [...fp.curry, ...args] : args;
  if (fp.closure) {
    return (fp.closure as ClosureImpl).invoke(rt, thisRef, all);
  }
  const sf = rt.code.fns.get(`${fp.name}/${all.length}`);
  if (sf) return rt.callScript(sf, all, thisRef, pos);
  const nargs = thisRef ? [thisRef.v, ...all] : all;
  const nf = rt.core.registry.resolve(fp.name, nargs);
  if (nf) {
    const r = rt.callNative(nf, nargs, pos);
    if (thisRef) thisRef.v = nargs[0];
    return r;
  }
  throw new RhaiError("ErrorFunctionNotFound", `function not found: ${fp.name} (${all.length} arguments)`, {
    position: pos,
  });
}

/** Keeps host results inside the value model: null → (), non-integral numbers → FLOAT, big ints exact. */
function sanitizeHostValue(v: unknown): Value {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "number") {
    if (Number.isSafeInteger(v)) return v === 0 ? 0 : v;
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v);
    return new RFloat(v);
  }
  if (typeof v === "bigint") {
    if (v > 9223372036854775807n || v < -9223372036854775808n)
      throw new RhaiError("ErrorArithmetic", "host function returned an integer outside i64");
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }
  if (typeof v === "function" || typeof v === "symbol")
    throw new RhaiError(
      "ErrorMismatchOutputType",
      "host function returned a value that is not a script value",
    );
  return v as Value;
}

/** Gives a position to an error that has none; maps JS stack overflows to ErrorStackOverflow. */
export function positioned(e: unknown, pos: Position | null): unknown {
  if (e instanceof RhaiError) {
    if (e.position === null) e.position = pos;
    return e;
  }
  if (e instanceof RangeError && /call stack/i.test(e.message))
    return new RhaiError("ErrorStackOverflow", "stack overflow", { position: pos });
  if (e instanceof RangeError && /invalid (string|array) length/i.test(e.message))
    return new RhaiError("ErrorDataTooLarge", "data too large", { position: pos });
  return e;
}

/** Number of parameters a function pointer expects (after currying), or -1 when unknown. */
export function fnPtrArity(rt: Runtime, fp: FnPtr): number {
  if (fp.closure) return (fp.closure as ClosureImpl).params.length - fp.curry.length;
  for (let a = 0; a <= 3; a++) if (rt.code.fns.has(`${fp.name}/${a + fp.curry.length}`)) return a;
  return -1;
}
