import {
  type At,
  type Block,
  type Expr,
  type FnInfo,
  type If,
  type Let,
  type Node,
  type ParsedScript,
  scriptFnKey,
  unknownNode,
} from "./ast.js";
import { compileAssign, compileGet } from "./compile-access.js";
import { compileCall, compileClosure, compileMethod } from "./compile-call.js";
import { compileFlow } from "./compile-flow.js";
import { compileOp } from "./compile-ops.js";
import { RhaiError } from "./errors.js";
import { checkSize } from "./limits-check.js";
import { stmtWeight } from "./op-weight.js";
import type { CompiledFn, EngineCore, Ev, Frame, ProgramCode, Runtime } from "./runtime.js";
import { RETURN } from "./runtime.js";
import { displayOf } from "./stdlib/display.js";
import { Cell, cloneValue, type Value } from "./values.js";

/** Compiles an AST to closures once; the program is then run many times. */
export class Compiler {
  /** The function being compiled (slot layout). */
  info: FnInfo;
  /** Script functions by `name/arity`. */
  readonly fns = new Map<string, CompiledFn>();
  readonly fnNames = new Set<string>();
  /** Typed methods (`fn Type.name`) by `name/arity`, then by the type of `this`. */
  readonly typed = new Map<string, Map<string, CompiledFn>>();
  /** Counts control-flow statements compiled, to detect expressions that may set `rt.flow`. */
  flowCount = 0;
  inFn = false;
  /** Inside a `fn` definition (no access to the host scope). */
  inScriptFn = false;

  constructor(
    readonly core: EngineCore,
    readonly scopeNames: ReadonlySet<string>,
  ) {
    this.info = { decls: [], captures: [], hasThis: false };
  }

  err(kind: string, msg: string, n: At): RhaiError {
    return new RhaiError(kind, msg, { position: { line: n.line, column: n.col } });
  }

  compileProgram(ast: ParsedScript, parent?: ProgramCode): ProgramCode {
    if (parent) {
      for (const [k, f] of parent.fns) this.fns.set(k, f);
      for (const nm of parent.fnNames) this.fnNames.add(nm);
    }
    const own: CompiledFn[] = [];
    for (const def of ast.fns) {
      const cf: CompiledFn = {
        def,
        name: def.name,
        arity: def.params.length,
        frameSize: 0,
        body: () => undefined,
        paramSlots: [],
        paramCells: [],
      };
      this.fns.set(scriptFnKey(def.name, def.params.length, def.thisType), cf);
      if (def.thisType === null) this.fnNames.add(def.name);
      own.push(cf);
    }
    for (const cf of this.fns.values()) {
      const type = cf.def.thisType;
      if (type === null) continue;
      const key = scriptFnKey(cf.name, cf.arity);
      const byType = this.typed.get(key) ?? new Map<string, CompiledFn>();
      byType.set(type, cf);
      this.typed.set(key, byType);
    }
    for (const cf of own) {
      const def = cf.def;
      cf.frameSize = def.info.decls.length + 1;
      cf.paramSlots = def.paramDecls.map((d) => d.slot + 1);
      cf.paramCells = def.paramDecls.map((d) => d.captured);
      // strict variables report undefined names at compile time, so compile everything now;
      // otherwise a function body is compiled on its first call (large scripts compile fast)
      if (this.core.options.strictVariables) this.compileFnBody(cf);
      else
        cf.body = (rt, f) => {
          this.compileLazy(cf);
          return cf.body(rt, f);
        };
    }
    this.info = ast.info;
    this.inFn = false;
    this.inScriptFn = false;
    const main = this.block(ast.body, false);
    const topVars = ast.topDecls.map((d) => ({ name: d.name, slot: d.slot + 1, captured: d.captured }));
    const fnDefs = [...(parent?.fnDefs ?? []), ...ast.fns, ...ast.closures];
    return {
      main,
      mainFrameSize: ast.info.decls.length + 1,
      fns: this.fns,
      fnNames: this.fnNames,
      topVars,
      fnDefs,
    };
  }

  private compileFnBody(cf: CompiledFn): void {
    const def = cf.def;
    this.info = def.info;
    this.inFn = true;
    this.inScriptFn = true;
    cf.body = this.block(def.body.body, false);
  }

  private compileLazy(cf: CompiledFn): void {
    const saved = [this.info, this.inFn, this.inScriptFn] as const;
    try {
      this.compileFnBody(cf);
    } finally {
      [this.info, this.inFn, this.inScriptFn] = saved;
    }
  }

  /** Compiles a nested function body (closure) with its own slot layout. */
  withInfo<T>(info: FnInfo, fn: () => T): T {
    const saved = this.info;
    const savedIn = this.inFn;
    this.info = info;
    this.inFn = true;
    try {
      return fn();
    } finally {
      this.info = saved;
      this.inFn = savedIn;
    }
  }

  /** An `if` branch: a one-expression block is compiled without its block wrapper. */
  branch(n: Block | If): Ev {
    const only = n.t === "block" && n.body.length === 1 ? n.body[0] : undefined;
    if (only !== undefined && only.t !== "let") {
      const e = this.stmt(only);
      const w = stmtWeight(only);
      return (rt, f) => {
        if ((rt.ops += w) > rt.opsCheck) rt.tick();
        return e(rt, f);
      };
    }
    return this.expr(n);
  }

  /** A statement sequence; the value is the last statement's. */
  block(stmts: Node[], scoped: boolean): Ev {
    const inner = this.blockInner(stmts);
    if (!scoped || !stmts.some((s) => s.t === "let")) return inner;
    return (rt, f) => {
      if (rt.maxVars === 0) return inner(rt, f);
      const saved = rt.vars;
      const v = inner(rt, f);
      rt.vars = saved;
      return v;
    };
  }

  private blockInner(stmts: Node[]): Ev {
    // each statement with its weight, counted before it runs
    const steps = stmts.map((st) => ({ ev: this.stmt(st), w: stmtWeight(st) }));
    const [s0, s1] = steps;
    if (s0 === undefined) return () => undefined;
    const { ev: a, w: wa } = s0;
    if (s1 === undefined) {
      return (rt, f) => {
        if ((rt.ops += wa) > rt.opsCheck) rt.tick();
        return a(rt, f);
      };
    }
    const { ev: b, w: wb } = s1;
    if (steps.length === 2) {
      return (rt, f) => {
        if ((rt.ops += wa) > rt.opsCheck) rt.tick();
        const v = a(rt, f);
        if (rt.flow !== 0) return v;
        if ((rt.ops += wb) > rt.opsCheck) rt.tick();
        return b(rt, f);
      };
    }
    return (rt, f) => {
      let v: Value;
      for (const st of steps) {
        if ((rt.ops += st.w) > rt.opsCheck) rt.tick();
        v = st.ev(rt, f);
        if (rt.flow !== 0) return v;
      }
      return v;
    };
  }

  stmt(n: Node): Ev {
    switch (n.t) {
      case "let":
        return this.letStmt(n);
      case "assign":
        return compileAssign(this, n);
      case "noop":
      case "fndef":
        return () => undefined;
      case "import": {
        const e = this.err("ErrorModuleNotFound", "modules are not enabled: import is refused", n);
        return () => {
          throw e;
        };
      }
      case "try":
      case "return":
      case "throw":
      case "break":
      case "continue":
        return compileFlow(this, n);
      default:
        return this.expr(n);
    }
  }

  private letStmt(n: Let): Ev {
    const slot = n.decl.slot + 1;
    const init = n.init ? this.valueExpr(n.init) : () => undefined;
    const top = n.top && n.isConst;
    const name: string = n.decl.name;
    if (n.decl.captured) {
      return (rt, f) => {
        const v = init(rt, f);
        if (rt.maxVars !== 0) rt.countVar();
        f[slot] = new Cell(v);
        if (top) rt.globals.set(name, v);
        return undefined;
      };
    }
    if (top)
      return (rt, f) => {
        const v = init(rt, f);
        if (rt.maxVars !== 0) rt.countVar();
        f[slot] = v;
        rt.globals.set(name, v);
        return undefined;
      };
    return (rt, f) => {
      f[slot] = init(rt, f);
      if (rt.maxVars !== 0) rt.countVar();
      return undefined;
    };
  }

  /** An expression whose value is stored: copies containers read from places (value semantics). */
  valueExpr(n: Expr): Ev {
    const e = this.expr(n);
    if (
      n.t === "var" ||
      n.t === "gvar" ||
      n.t === "prop" ||
      n.t === "index" ||
      n.t === "this" ||
      n.t === "nsvar"
    )
      return (rt, f) => {
        const v = e(rt, f);
        return typeof v === "object" ? cloneValue(v) : v;
      };
    return e;
  }

  expr(n: Expr): Ev {
    switch (n.t) {
      case "lit": {
        const v: Value = n.v;
        return () => v;
      }
      case "interp": {
        const at = { line: n.line, column: n.col };
        const parts: (string | Ev)[] = n.parts.map((p) => (typeof p === "string" ? p : this.expr(p)));
        return (rt, f) => {
          let s = "";
          for (const p of parts) {
            // Rhai calls `to_string` for each part, so a host type's registered to_string is used
            s += typeof p === "string" ? p : displayOf(rt, p(rt, f));
            if (rt.sizeLimited) checkSize(rt, s, at);
          }
          return s;
        };
      }
      case "var":
      case "gvar":
      case "this":
      case "nsvar":
      case "prop":
      case "index":
        return compileGet(this, n);
      case "arr": {
        const p = { line: n.line, column: n.col };
        const items: Ev[] = n.items.map((x) => this.valueExpr(x));
        const k = items.length;
        return (rt, f) => {
          const out = new Array<Value>(k);
          let i = 0;
          for (const item of items) out[i++] = item(rt, f);
          if (rt.sizeLimited) checkSize(rt, out, p);
          return out;
        };
      }
      case "map": {
        const p = { line: n.line, column: n.col };
        const entries = n.entries.map(([k, e]): [string, Ev] => [k, this.valueExpr(e)]);
        return (rt, f) => {
          const m = new Map<string, Value>();
          for (const [k, e] of entries) m.set(k, e(rt, f));
          if (rt.sizeLimited) checkSize(rt, m, p);
          return m;
        };
      }
      case "block":
        return this.block(n.body, true);
      case "call":
        return compileCall(this, n);
      case "method":
        return compileMethod(this, n);
      case "closure":
        return compileClosure(this, n);
      case "bin":
      case "unary":
      case "and":
      case "or":
      case "coalesce":
      case "range":
        return compileOp(this, n);
      case "if":
      case "while":
      case "do":
      case "for":
      case "switch":
        return compileFlow(this, n);
      default:
        return unknownNode(n);
    }
  }
}

/** Runs compiled main code in a fresh top-level frame. */
export function runMain(rt: Runtime, code: ProgramCode): Value {
  const f: Frame = new Array(code.mainFrameSize);
  f[0] = undefined;
  const v = code.main(rt, f);
  if (rt.flow !== 0) {
    const fl = rt.flow;
    rt.flow = 0;
    if (fl === RETURN) return rt.flowValue;
  }
  return v;
}
