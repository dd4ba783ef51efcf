import { type At, type Call, type Closure, type Decl, type Method, scriptFnKey } from "./ast.js";
import { compileLV } from "./compile-access.js";
import { compileBuiltin } from "./compile-builtins.js";
import { compileKeyword, evalArgs, frameScope } from "./compile-keywords.js";
import type { Compiler } from "./compiler.js";
import { type Position, RhaiError } from "./errors.js";
import type { CompiledFn, Ev, Frame, Runtime } from "./runtime.js";
import { callFnPtr, cellAt, RETURN, UNBOUND, valueAt, wrapInFunction } from "./runtime.js";
import { Cell, type ClosureImpl, FnPtr, typeName, type Value } from "./values.js";

function pos(n: At): Position {
  return { line: n.line, column: n.col };
}

function notFound(name: string, args: Value[], n: At, method = false): RhaiError {
  const sig = args.map(typeName).join(", ");
  return new RhaiError(
    "ErrorFunctionNotFound",
    `function not found: ${name} (${sig})${method ? " (method call)" : ""}`,
    {
      position: pos(n),
    },
  );
}

/** An argument of a script function call and where it goes in the callee's frame. */
interface ArgBinding {
  ev: Ev;
  slot: number;
  /** The parameter is captured by a closure: bound in a Cell. */
  cell: boolean;
}

/** Pairs each argument with its parameter (the call was resolved by arity, so the counts match). */
function bindArgs(sf: CompiledFn, argEvs: Ev[], n: At): ArgBinding[] {
  return argEvs.map((ev, i) => {
    const slot = sf.paramSlots[i];
    if (slot === undefined)
      throw new RhaiError("ErrorSystem", `internal error: '${sf.name}' has no parameter ${i + 1}`, {
        position: pos(n),
      });
    return { ev, slot, cell: sf.paramCells[i] === true };
  });
}

export function compileCall(c: Compiler, n: Call): Ev {
  const name = n.name;
  const p = pos(n);
  const nargs = n.args;
  if (n.ns !== null && n.ns !== "global") {
    const ns = n.ns;
    const args = nargs.map((a) => c.valueExpr(a));
    return (rt, f) => {
      const m = rt.core.modules.get(ns);
      if (!m) throw new RhaiError("ErrorModuleNotFound", `module not found: ${ns}`, { position: p });
      const vals = evalArgs(args, rt, f);
      const nf = m.fns.resolve(name, vals);
      if (!nf) throw notFound(`${ns}::${name}`, vals, n);
      return rt.callNative(nf, vals, p);
    };
  }
  const argEvs = nargs.map((a) => c.valueExpr(a));
  if (n.ns === null) {
    const sp = compileKeyword(c, n, argEvs);
    if (sp) return sp;
  }
  const key = `${name}/${nargs.length}`;
  const sf: CompiledFn | undefined = c.fns.get(key);
  if (sf && n.bang) {
    // `foo!(…)`: the function body sees the caller's variables
    const visible: ReadonlyMap<string, Decl> = n.visible ?? new Map();
    const binds = bindArgs(sf, argEvs, n);
    return (rt, f) => {
      const fr: Frame = new Array(sf.frameSize);
      fr[0] = UNBOUND;
      for (const b of binds) {
        const v = b.ev(rt, f);
        fr[b.slot] = b.cell ? new Cell(v) : v;
      }
      const saved = rt.dyn;
      rt.dyn = frameScope(rt, f, visible, saved, rt.depth + 1);
      try {
        return rt.enter(sf, fr, p);
      } finally {
        rt.dyn = saved;
      }
    };
  }
  if (sf) {
    const binds = bindArgs(sf, argEvs, n);
    const [b0] = binds;
    if (b0 !== undefined && binds.length === 1) {
      const { ev: a0, slot: s0, cell: c0 } = b0;
      return (rt, f) => {
        const v0 = a0(rt, f);
        const fr: Frame = new Array(sf.frameSize);
        fr[0] = UNBOUND;
        fr[s0] = c0 ? new Cell(v0) : v0;
        return rt.enter(sf, fr, p);
      };
    }
    return (rt, f) => {
      const fr: Frame = new Array(sf.frameSize);
      fr[0] = UNBOUND;
      for (const b of binds) {
        const v = b.ev(rt, f);
        fr[b.slot] = b.cell ? new Cell(v) : v;
      }
      return rt.enter(sf, fr, p);
    };
  }
  if (n.ns === null) {
    const builtin = compileBuiltin(n, argEvs);
    if (builtin) return builtin;
  }
  // native: the first argument is passed by reference (mutating built-ins like push)
  const arg0 = nargs[0];
  const first = arg0 === undefined ? null : compileLV(c, arg0);
  const isPlace = arg0 !== undefined && ["var", "gvar", "prop", "index", "this"].includes(arg0.t);
  if (first && arg0 && !isPlace) argEvs[0] = c.expr(arg0);
  else if (first) argEvs[0] = first.get;
  const fallbackVar = c.expr({ t: "gvar", line: n.line, col: n.col, name, strict: false });
  return (rt, f) => {
    const vals = evalArgs(argEvs, rt, f);
    const v0 = vals[0];
    const nf = rt.core.registry.resolve(name, vals);
    if (nf) {
      const r = rt.callNative(nf, vals, p);
      if (first && isPlace && vals[0] !== v0) first.set(rt, f, vals[0]);
      return r;
    }
    let fp: Value;
    try {
      fp = fallbackVar(rt, f);
    } catch {
      fp = undefined;
    }
    if (fp instanceof FnPtr) return callFnPtr(rt, fp, vals, null, p);
    throw notFound(name, vals, n);
  };
}

export function compileMethod(c: Compiler, n: Method): Ev {
  const name = n.name;
  const p = pos(n);
  const lv = compileLV(c, n.obj);
  const isPlace = ["var", "gvar", "prop", "index", "this"].includes(n.obj.t);
  const argEvs: Ev[] = n.args.map((a) => c.valueExpr(a));
  const k = argEvs.length;
  const sf = c.fns.get(scriptFnKey(name, k));
  // typed methods (`fn Type.name`) of this name and arity, chosen by the type of `this` first
  const typed = c.typed.get(scriptFnKey(name, k)) ?? null;
  const safe = n.safe;
  const thisCellSlot = n.obj.t === "var" && n.obj.decl.captured ? n.obj.decl.slot + 1 : 0;
  if (name === "is_shared" && k === 0) {
    const shared = n.obj.t === "var" && n.obj.decl.captured;
    return () => shared;
  }
  return (rt, f) => {
    const o = lv.get(rt, f);
    if (safe && o === undefined) return undefined;
    const args = evalArgs(argEvs, rt, f);
    if (o instanceof FnPtr) {
      if (name === "call") return callFnPtr(rt, o, args, null, p);
      if (name === "curry") return new FnPtr(o.name, [...o.curry, ...args], o.closure);
    }
    if (o instanceof Map && name !== "call") {
      const prop = o.get(name);
      if (prop instanceof FnPtr) {
        const ref = { v: o as Value };
        return callFnPtr(rt, prop, args, ref, p);
      }
    }
    const target = (typed === null ? undefined : typed.get(typeName(o))) ?? sf;
    if (target) {
      const ref = { v: o };
      const r = rt.callScript(target, args, ref, p);
      if (isPlace && ref.v !== o) lv.set(rt, f, ref.v);
      return r;
    }
    if (name === "call" && args.length >= 1 && args[0] instanceof FnPtr) {
      // x.call(f, args…) binds `this` to x; a closure that captured x itself would alias it
      if (thisCellSlot > 0 && args[0].closure?.cells?.includes(cellAt(f, thisCellSlot)))
        throw new RhaiError("ErrorDataRace", "data race: 'this' is a variable captured by the closure", {
          position: p,
        });
      const ref = { v: o };
      const r = callFnPtr(rt, args[0], args.slice(1), ref, p);
      if (isPlace && ref.v !== o) lv.set(rt, f, ref.v);
      return r;
    }
    const all = [o, ...args];
    const nf = rt.core.registry.resolve(name, all);
    if (nf) {
      const r = rt.callNative(nf, all, p);
      if (isPlace && all[0] !== o) lv.set(rt, f, all[0]);
      return r;
    }
    if (name === "type_of" && k === 0) return typeName(o);
    throw notFound(name, all, n, true);
  };
}

export function compileClosure(c: Compiler, n: Closure): Ev {
  const def = n.def;
  const info = def.info;
  const body = c.withInfo(info, () => c.stmt(def.body));
  const frameSize = info.decls.length + 1;
  const paramSlots = def.paramDecls.map((d) => d.slot + 1);
  const paramCells = def.paramDecls.map((d) => d.captured);
  const outerSlots = info.captures.map((cp) => cp.outer.slot + 1);
  const innerSlots = info.captures.map((cp) => cp.inner.slot + 1);
  const params = def.params;
  const fnName = def.name;
  const p = pos(n);
  return (_rt, f) => {
    const cells = outerSlots.map((s) => cellAt(f, s));
    const impl: ClosureImpl = {
      params,
      fnName,
      cells,
      invoke: (ctx, thisRef, args) => {
        const rt = ctx as Runtime;
        if (args.length !== params.length)
          throw new RhaiError(
            "ErrorFunctionNotFound",
            `function not found: ${fnName} (${args.length} arguments)`,
            {
              position: p,
            },
          );
        if (++rt.depth > rt.maxCallLevels) {
          rt.depth--;
          throw new RhaiError("ErrorStackOverflow", "stack overflow in closure", { position: p });
        }
        const fr: Frame = new Array(frameSize);
        fr[0] = thisRef ? thisRef.v : UNBOUND;
        let i = 0;
        for (const s of paramSlots) {
          const a = args[i];
          fr[s] = paramCells[i++] ? new Cell(a) : a;
        }
        let j = 0;
        for (const s of innerSlots) fr[s] = cells[j++];
        let v: Value;
        try {
          v = body(rt, fr);
          if (rt.flow !== 0) {
            if (rt.flow === RETURN) v = rt.flowValue;
            rt.flow = 0;
          }
        } catch (e) {
          rt.flow = 0;
          throw wrapInFunction(e, fnName, p);
        } finally {
          rt.depth--;
        }
        if (thisRef) thisRef.v = valueAt(fr, 0);
        return v;
      },
    };
    return new FnPtr(fnName, [], impl);
  };
}
