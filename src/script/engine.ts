import type { ParsedScript } from "./ast.js";
import { Compiler, runMain } from "./compiler.js";
import { errorInfo, type Position, RhaiError, type ScriptErrorInfo } from "./errors.js";
import { Lexer } from "./lexer.js";
import { DEFAULT_LIMITS, type Limits, mergeLimits } from "./limits.js";
import { DEFAULT_OPTIONS, type EngineOptions } from "./options.js";
import { parseScript } from "./parser.js";
import { FnRegistry, type HostFn, type ParamType } from "./registry.js";
import type { CompiledFn, EngineCore, ProgramCode, StaticModule } from "./runtime.js";
import { callFnPtr, positioned, Runtime } from "./runtime.js";
import type { Scope } from "./scope.js";
import { buildStdlib } from "./stdlib/index.js";
import { cloneValue, type FnPtr, type Value } from "./values.js";

/** Engine configuration (all optional). */
export interface EngineConfig {
  options?: Partial<EngineOptions>;
  limits?: Partial<Limits>;
  /** Symbols/keywords disabled for scripts (e.g. `["eval", "print"]`): using them is a parse error. */
  disabledSymbols?: readonly string[];
  /** Sink for `print(x)`; default: discard. */
  onPrint?: (text: string) => void;
  /** Sink for `debug(x)`; default: discard. */
  onDebug?: (text: string, position: Position | null) => void;
  /**
   * sigrun's extension package (`float`, `to_char`, `parse_bool`, `merge`, `round/2`, char predicates),
   * which Rhai's `Engine::new()` lacks. Default off; the runner never turns it on.
   */
  extras?: boolean;
}

/** Per-run overrides. */
export interface RunOptions {
  limits?: Partial<Limits>;
  onPrint?: (text: string) => void;
  onDebug?: (text: string, position: Position | null) => void;
  /** Filled after the run: operations counted by the engine (`max_operations` units). */
  stats?: { operations: number };
  /**
   * The wall-clock deadline (`Date.now()` ms) instead of now + `maxWallMs`: the caller's own, shared with
   * its host functions so that a host call cut off at the deadline and the engine agree.
   */
  deadline?: number;
}

/** A host method/function overload list entry. */
export interface HostOverload {
  params: readonly ParamType[];
  fn: HostFn;
}

/** A custom host type: methods (`obj.m(…)`, receiver = args[0]), property getters and setters. */
export interface CustomTypeSpec {
  /** Method name → impl (any arity, args[0] = receiver) or explicit overloads (params exclude the receiver). */
  methods?: Record<string, HostFn | readonly HostOverload[]>;
  getters?: Record<string, (self: Value) => Value>;
  setters?: Record<string, (self: Value, value: Value) => void>;
  /** `to_string` / `print` text of a value. */
  toString?: (self: Value) => string;
}

/** A static module: `name::CONST`, `name::fn(…)`. */
export interface ModuleSpec {
  constants?: Record<string, Value>;
  functions?: Record<string, HostFn | readonly HostOverload[]>;
}

/** A compiled script; run it many times with {@link Engine.run}. */
export class Program {
  /** @internal */
  constructor(
    readonly source: string,
    /** @internal */ readonly code: ProgramCode,
  ) {}

  /** Script function signatures `name/arity`. */
  functions(): string[] {
    return [...this.code.fns.keys()];
  }
}

export type EvalResult = { ok: true; value: Value } | { ok: false; error: ScriptErrorInfo };
export type CompileResult = { ok: true; program: Program } | { ok: false; error: ScriptErrorInfo };
/** A parsed script's syntax tree (see ast.ts), for tools that read a script without running it. */
export type ParseResult = { ok: true; ast: ParsedScript } | { ok: false; error: ScriptErrorInfo };

function toRhaiError(e: unknown): RhaiError {
  const p = positioned(e, null);
  if (p instanceof RhaiError) return p;
  const msg = p instanceof Error ? p.message : String(p);
  return new RhaiError("ErrorSystem", `host error: ${msg}`);
}

/** The result of a run that threw: `exit(v)` ends it with `v` (as Rhai's `eval` and `call_fn` do). */
function thrown(e: unknown): EvalResult {
  const err = toRhaiError(e);
  if (err.kind === "Exit") return { ok: true, value: err.value };
  return { ok: false, error: errorInfo(err) };
}

/**
 * A Rhai engine: language options, limits, registered host functions/types/modules, print/debug sinks.
 * Evaluation never throws: results are `{ ok: true, value }` or `{ ok: false, error }`.
 */
export class Engine {
  readonly options: EngineOptions;
  readonly limits: Limits;
  readonly disabledSymbols: Set<string>;
  onPrint: (text: string) => void;
  onDebug: (text: string, position: Position | null) => void;
  private readonly registry: FnRegistry;
  private readonly modules = new Map<string, StaticModule>();

  constructor(config: EngineConfig = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...(config.options ?? {}) };
    this.limits = mergeLimits(DEFAULT_LIMITS, config.limits);
    this.disabledSymbols = new Set(config.disabledSymbols ?? []);
    this.onPrint = config.onPrint ?? (() => {});
    this.onDebug = config.onDebug ?? (() => {});
    this.registry = new FnRegistry(buildStdlib({ extras: config.extras === true }));
  }

  /** Disables a keyword or function name for scripts (`eval`, `print`, …). */
  disableSymbol(symbol: string): this {
    this.disabledSymbols.add(symbol);
    return this;
  }

  /**
   * Registers a global function overload. `paramTypes` fixes the arity and the accepted types
   * (`"any"` accepts everything). Later registrations win over earlier ones and over built-ins.
   * The 4-argument form `(name, paramTypes, resultType, impl)` is accepted; `resultType` is documentation.
   */
  registerFn(name: string, paramTypes: readonly ParamType[], impl: HostFn): this;
  registerFn(name: string, paramTypes: readonly ParamType[], resultType: string, impl: HostFn): this;
  registerFn(name: string, paramTypes: readonly ParamType[], a: HostFn | string, b?: HostFn): this {
    const impl = typeof a === "function" ? a : (b as HostFn);
    this.registry.add(name, [...paramTypes], impl, true);
    return this;
  }

  /** Registers a custom type's methods, getters (`obj.prop`) and setters (`obj.prop = v`). */
  registerType(name: string, spec: CustomTypeSpec = {}): this {
    for (const [m, impl] of Object.entries(spec.methods ?? {})) {
      if (typeof impl === "function") this.registry.add(m, null, impl, true, 1, name);
      else for (const o of impl) this.registry.add(m, [name, ...o.params], o.fn, true);
    }
    for (const [p, g] of Object.entries(spec.getters ?? {}))
      this.registry.add(`get$${p}`, [name], (args) => g(args[0]), true);
    for (const [p, s] of Object.entries(spec.setters ?? {}))
      this.registry.add(
        `set$${p}`,
        [name, "any"],
        (args) => {
          s(args[0], args[1]);
          return undefined;
        },
        true,
      );
    if (spec.toString) {
      const ts = spec.toString;
      this.registry.add("to_string", [name], (args) => ts(args[0]), true);
    }
    return this;
  }

  /** Registers (or extends) a static module used as `name::CONST` and `name::fn(…)`. */
  registerModule(name: string, spec: ModuleSpec): this {
    let m = this.modules.get(name);
    if (!m) {
      m = { constants: new Map(), fns: new FnRegistry() };
      this.modules.set(name, m);
    }
    for (const [k, v] of Object.entries(spec.constants ?? {})) m.constants.set(k, v);
    for (const [f, impl] of Object.entries(spec.functions ?? {})) {
      if (typeof impl === "function") m.fns.add(f, null, impl, true, 0);
      else for (const o of impl) m.fns.add(f, [...o.params], o.fn, true);
    }
    return this;
  }

  private core(run?: RunOptions): EngineCore {
    const print = run?.onPrint ?? this.onPrint;
    const debug = run?.onDebug ?? this.onDebug;
    const compileEval = this.options.allowEval
      ? (src: string, parent: ProgramCode) => this.compileCode(src, { limits: run?.limits }, parent)
      : undefined;
    return {
      registry: this.registry,
      modules: this.modules,
      options: this.options,
      print,
      debug,
      compileEval,
    };
  }

  /** Compiles a script (parse + compile to closures). `scope` names are known to strict variables. */
  compile(
    source: string,
    opts: { scope?: Scope; expression?: boolean; limits?: Partial<Limits> } = {},
  ): CompileResult {
    try {
      const code = this.compileCode(source, opts);
      return { ok: true, program: new Program(source, code) };
    } catch (e) {
      return { ok: false, error: errorInfo(toRhaiError(e)) };
    }
  }

  /** Parses a script (no compile, nothing runs): its syntax tree, or the first syntax error. */
  parse(source: string, opts: { scope?: Scope } = {}): ParseResult {
    try {
      return { ok: true, ast: this.parseSource(source, opts) };
    } catch (e) {
      return { ok: false, error: errorInfo(toRhaiError(e)) };
    }
  }

  private parseSource(
    source: string,
    opts: { scope?: Scope; expression?: boolean; limits?: Partial<Limits> },
  ): ParsedScript {
    const limits = mergeLimits(this.limits, opts.limits);
    if (limits.maxSourceSize > 0 && source.length > limits.maxSourceSize)
      throw new RhaiError("ParseError:InputTooLarge", "script is too large", {
        position: { line: 1, column: 1 },
      });
    const lexer = new Lexer(source, limits.maxStringSize);
    return parseScript(
      [],
      {
        options: this.options,
        maxExprDepth: limits.maxExprDepth,
        maxFunctionExprDepth: limits.maxFunctionExprDepth,
        maxFunctions: limits.maxFunctions,
        maxArraySize: limits.maxArraySize,
        maxMapSize: limits.maxMapSize,
        scopeNames: new Set(opts.scope?.names() ?? []),
        modules: new Set(this.modules.keys()),
        disabled: this.disabledSymbols,
        expressionOnly: opts.expression ?? false,
      },
      lexer,
    );
  }

  private compileCode(
    source: string,
    opts: { scope?: Scope; expression?: boolean; limits?: Partial<Limits> },
    parent?: ProgramCode,
  ): ProgramCode {
    const ast = this.parseSource(source, opts);
    const scopeNames = new Set(opts.scope?.names() ?? []);
    return new Compiler(this.core(), scopeNames).compileProgram(ast, parent);
  }

  /** Compiles a single expression (statements are parse errors). */
  compileExpression(source: string, scope?: Scope): CompileResult {
    return this.compile(source, { scope, expression: true });
  }

  /** Runs a compiled program; the value is the last statement's. */
  run(program: Program, scope?: Scope, opts?: RunOptions): EvalResult {
    const rt = new Runtime(
      this.core(opts),
      program.code,
      mergeLimits(this.limits, opts?.limits),
      scope ?? null,
    );
    if (opts?.deadline !== undefined) rt.deadline = opts.deadline;
    try {
      return { ok: true, value: runMain(rt, program.code) };
    } catch (e) {
      return thrown(e);
    } finally {
      if (opts?.stats) opts.stats.operations = rt.ops;
    }
  }

  /** Compiles and runs a script. */
  eval(source: string, scope?: Scope, opts?: RunOptions): EvalResult {
    const c = this.compile(source, { scope, limits: opts?.limits });
    return c.ok ? this.run(c.program, scope, opts) : c;
  }

  /** Compiles and runs a single expression. */
  evalExpression(source: string, scope?: Scope, opts?: RunOptions): EvalResult {
    const c = this.compile(source, { scope, expression: true, limits: opts?.limits });
    return c.ok ? this.run(c.program, scope, opts) : c;
  }

  /** Calls a script function of a program by name with arguments (Rhai's `call_fn`). */
  callFn(
    program: Program,
    name: string,
    args: readonly Value[],
    scope?: Scope,
    opts?: RunOptions,
  ): EvalResult {
    const rt = new Runtime(
      this.core(opts),
      program.code,
      mergeLimits(this.limits, opts?.limits),
      scope ?? null,
    );
    try {
      const f: CompiledFn | undefined = program.code.fns.get(`${name}/${args.length}`);
      if (!f)
        throw new RhaiError(
          "ErrorFunctionNotFound",
          `function not found: ${name} (${args.length} arguments)`,
        );
      return { ok: true, value: rt.callScript(f, args.map(cloneValue), null, null) };
    } catch (e) {
      return thrown(e);
    }
  }

  /** Calls a function pointer (e.g. a closure returned by a script) in a fresh run of `program`. */
  callFnPtr(program: Program, fn: FnPtr, args: readonly Value[], opts?: RunOptions): EvalResult {
    const rt = new Runtime(this.core(opts), program.code, mergeLimits(this.limits, opts?.limits), null);
    try {
      return { ok: true, value: callFnPtr(rt, fn, [...args], null, null) };
    } catch (e) {
      return thrown(e);
    }
  }
}
