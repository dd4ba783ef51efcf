import { type Call, type Decl, scriptFnKey } from "./ast.js";
import type { Compiler } from "./compiler.js";
import { type Position, RhaiError } from "./errors.js";
import { toDebug } from "./format.js";
import type { Ev, Frame, Runtime } from "./runtime.js";
import { callFnPtr, cellAt, type DynScope, RETURN, UNBOUND, valueAt } from "./runtime.js";
import { displayOf } from "./stdlib/display.js";
import { Cell, FnPtr, typeName, type Value } from "./values.js";

/**
 * Rhai's keyword functions, compiled specially because they act on the call site or the run (`Fn`,
 * `call`, `curry`, `is_def_fn`, `is_def_var`, `is_shared`, `type_of`, `print`, `debug`, `eval`), and the
 * helpers the call compiler shares with them.
 */

function pos(n: { line: number; col: number }): Position {
  return { line: n.line, column: n.col };
}

export function mismatch(what: string, v: Value, n: { line: number; col: number }): RhaiError {
  return new RhaiError("ErrorMismatchDataType", `expecting ${what} but got ${typeName(v)}`, {
    position: pos(n),
  });
}

/** Evaluates call arguments in order. */
export function evalArgs(evs: Ev[], rt: Runtime, f: Frame): Value[] {
  const out = new Array<Value>(evs.length);
  let i = 0;
  for (const e of evs) out[i++] = e(rt, f);
  return out;
}

/** Keyword functions (`Fn`, `call`, `eval`, `is_def_fn`…); null when `n` is an ordinary call. */
export function compileKeyword(c: Compiler, n: Call, args: Ev[]): Ev | null {
  const p = pos(n);
  const k = args.length;
  const [a0, a1, a2] = args;
  if (a0 === undefined) return null;
  switch (n.name) {
    case "Fn":
      if (k !== 1) return null;
      return (rt, f) => {
        const s = a0(rt, f);
        if (typeof s !== "string") throw mismatch("string", s, n);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s))
          throw new RhaiError("ErrorFunctionNotFound", `invalid function name: '${s}'`, { position: p });
        return new FnPtr(s);
      };
    case "call":
      return (rt, f) => {
        const all = evalArgs(args, rt, f);
        const fp = all[0];
        if (!(fp instanceof FnPtr)) throw mismatch("Fn", fp, n);
        return callFnPtr(rt, fp, all.slice(1), null, p);
      };
    case "curry":
      return (rt, f) => {
        const all = evalArgs(args, rt, f);
        const fp = all[0];
        if (!(fp instanceof FnPtr)) throw mismatch("Fn", fp, n);
        return new FnPtr(fp.name, [...fp.curry, ...all.slice(1)], fp.closure);
      };
    case "is_def_fn":
      if (k === 1)
        return (rt, f) => {
          const name = a0(rt, f);
          if (typeof name !== "string") throw mismatch("string", name, n);
          return rt.code.fnNames.has(name);
        };
      if (k === 2 && a1 !== undefined)
        return (rt, f) => {
          const name = a0(rt, f);
          if (typeof name !== "string") throw mismatch("string", name, n);
          const ar = a1(rt, f);
          if (typeof ar !== "number") throw mismatch("i64", ar, n);
          return rt.code.fns.has(scriptFnKey(name, ar));
        };
      // is_def_fn(this_type, name, arity): a typed method `fn Type.name(…)`
      if (k === 3 && a1 !== undefined && a2 !== undefined)
        return (rt, f) => {
          const type = a0(rt, f);
          if (typeof type !== "string") throw mismatch("string", type, n);
          const name = a1(rt, f);
          if (typeof name !== "string") throw mismatch("string", name, n);
          const ar = a2(rt, f);
          if (typeof ar !== "number") throw mismatch("i64", ar, n);
          return rt.code.fns.has(scriptFnKey(name, ar, type));
        };
      return null;
    case "is_def_var": {
      if (k !== 1) return null;
      const visible: ReadonlyMap<string, Decl> = n.visible ?? new Map();
      const inFn = c.inScriptFn;
      return (rt, f) => {
        const name = a0(rt, f);
        if (typeof name !== "string") throw mismatch("string", name, n);
        return visible.has(name) || (!inFn && (rt.scope?.has(name) ?? false));
      };
    }
    case "is_shared":
      if (k !== 1) return null;
      {
        const a = n.args[0];
        const shared = a !== undefined && a.t === "var" && a.decl.captured;
        return () => shared;
      }
    case "type_of":
      if (k !== 1) return null;
      return (rt, f) => typeName(a0(rt, f));
    case "print":
      if (k !== 1) return null;
      return (rt, f) => {
        rt.core.print(displayOf(rt, a0(rt, f)));
        return undefined;
      };
    case "debug":
      if (k !== 1) return null;
      return (rt, f) => {
        const v = a0(rt, f);
        rt.core.debug(typeof v === "string" ? toDebug(v) : displayOfDebug(rt, v), p);
        return undefined;
      };
    case "eval": {
      if (k !== 1) return null;
      const visible: ReadonlyMap<string, Decl> = n.visible ?? new Map();
      const blockNames: ReadonlySet<string> = n.blockNames ?? new Set();
      return (rt, f) => {
        const compileEval = rt.core.compileEval;
        if (!rt.core.options.allowEval || !compileEval)
          throw new RhaiError("ErrorFunctionNotFound", "eval is disabled in this engine", { position: p });
        const src = a0(rt, f);
        if (typeof src !== "string") throw mismatch("string", src, n);
        const code = compileEval(src, rt.code);
        if (rt.depth + 1 > rt.maxCallLevels)
          throw new RhaiError("ErrorStackOverflow", "stack overflow in eval", { position: p });
        const saved = rt.dyn;
        rt.dyn = frameScope(rt, f, visible, saved, rt.depth + 1);
        rt.depth++;
        try {
          const fr: Frame = new Array(code.mainFrameSize);
          fr[0] = UNBOUND;
          let v = code.main(rt, fr);
          if (rt.flow === RETURN) {
            v = rt.flowValue;
            rt.flow = 0;
          }
          // the evaluated script's top-level variables live on in the caller's scope
          for (const tv of code.topVars) {
            // a captured top-level variable is in a Cell, unless its `let` never ran
            const slot = fr[tv.slot];
            const val = slot instanceof Cell ? slot.v : slot;
            const d = blockNames.has(tv.name) ? visible.get(tv.name) : undefined;
            if (d && !d.isConst) {
              if (d.captured) cellAt(f, d.slot + 1).v = val;
              else f[d.slot + 1] = val;
            } else {
              if (rt.evalVars === null) rt.evalVars = new WeakMap();
              let m = rt.evalVars.get(f);
              if (!m) rt.evalVars.set(f, (m = new Map()));
              m.set(tv.name, val);
            }
          }
          return v;
        } finally {
          rt.depth--;
          rt.dyn = saved;
        }
      };
    }
  }
  return null;
}

function displayOfDebug(rt: Runtime, v: Value): string {
  const nf = rt.core.registry.resolve("to_debug", [v]);
  if (nf && typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map)) {
    const r = rt.callNative(nf, [v], null);
    if (typeof r === "string") return r;
  }
  return toDebug(v);
}

/** Name-based access to a caller frame's visible variables (for `foo!(…)` and `eval`). */
export function frameScope(
  rt: Runtime,
  f: Frame,
  visible: ReadonlyMap<string, Decl>,
  saved: DynScope | null,
  depth: number,
): DynScope {
  return {
    depth,
    lookup: (nm) => {
      const d = visible.get(nm);
      if (d) {
        const s = d.slot + 1;
        if (d.captured) {
          const cell = cellAt(f, s);
          return { get: () => cell.v, set: (v) => void (cell.v = v) };
        }
        return {
          get: () => valueAt(f, s),
          set: (v) => {
            if (d.isConst)
              throw new RhaiError("ErrorAssignmentToConstant", `cannot assign to constant '${nm}'`);
            f[s] = v;
          },
        };
      }
      const e = saved === null && rt.scope ? rt.scope.entry(nm) : undefined;
      if (e) return { get: () => e.cell.v, set: (v) => void (e.cell.v = v) };
      return saved ? saved.lookup(nm) : null;
    },
  };
}
