import { getIndex, getProp, setIndex, setProp } from "./access.js";
import type { AccessExpr, Assign, At, Expr, GVar } from "./ast.js";
import { binaryOp } from "./compile-ops.js";
import type { Compiler } from "./compiler.js";
import { type Position, RhaiError } from "./errors.js";
import { checkLen, checkSize } from "./limits-check.js";
import type { Ev, Frame, Runtime } from "./runtime.js";
import { cellAt, UNBOUND, valueAt } from "./runtime.js";
import { FnPtr, RBlob, type Value } from "./values.js";

/** An assignable place. */
export interface LV {
  get: Ev;
  set: (rt: Runtime, f: Frame, v: Value) => void;
  /** Reads, transforms and writes back. */
  update: (rt: Runtime, f: Frame, fn: (cur: Value) => Value) => void;
}

function pos(n: At): Position {
  return { line: n.line, column: n.col };
}

function constErr(name: string, n: At): RhaiError {
  return new RhaiError("ErrorAssignmentToConstant", `cannot assign to constant '${name}'`, {
    position: pos(n),
  });
}

function gvarGet(c: Compiler, n: GVar): Ev {
  const name: string = n.name;
  const isFn = c.fnNames.has(name);
  if (n.strict && !c.scopeNames.has(name) && !isFn)
    throw new RhaiError("ParseError:VariableUndefined", `undefined variable '${name}'`, { position: pos(n) });
  const inFn = c.inFn && c.inScriptFn;
  return (rt, f) => {
    if (rt.evalVars !== null) {
      const m = rt.evalVars.get(f);
      if (m?.has(name)) return m.get(name);
    }
    if (!inFn && rt.scope) {
      const e = rt.scope.entry(name);
      if (e) return e.cell.v;
    }
    const d = rt.dyn;
    if (d !== null && d.depth === rt.depth) {
      const cell = d.lookup(name);
      if (cell) return cell.get();
    }
    if (isFn) return new FnPtr(name);
    throw new RhaiError("ErrorVariableNotFound", `variable not found: ${name}`, { position: pos(n) });
  };
}

/** Compiles a place (variable, `this`, property or index chain). */
export function compileLV(c: Compiler, n: Expr): LV {
  switch (n.t) {
    case "var": {
      const s = n.decl.slot + 1;
      const isConst: boolean = n.decl.isConst;
      const name: string = n.decl.name;
      if (n.decl.captured) {
        return {
          get: (_rt, f) => cellAt(f, s).v,
          set: (_rt, f, v) => {
            if (isConst) throw constErr(name, n);
            cellAt(f, s).v = v;
          },
          update: (_rt, f, fn) => {
            const cell = cellAt(f, s);
            const v = fn(cell.v);
            if (isConst) throw constErr(name, n);
            cell.v = v;
          },
        };
      }
      return {
        get: (_rt, f) => valueAt(f, s),
        set: (_rt, f, v) => {
          if (isConst) throw constErr(name, n);
          f[s] = v;
        },
        update: (_rt, f, fn) => {
          const v = fn(valueAt(f, s));
          if (isConst) throw constErr(name, n);
          f[s] = v;
        },
      };
    }
    case "gvar": {
      const name: string = n.name;
      const get = gvarGet(c, n);
      const inScriptFn = c.inScriptFn;
      const set = (rt: Runtime, v: Value) => {
        const d = rt.dyn;
        if (d !== null && d.depth === rt.depth) {
          const cell = d.lookup(name);
          if (cell) {
            cell.set(v);
            return;
          }
        }
        const e = inScriptFn ? undefined : rt.scope?.entry(name);
        if (!e)
          throw new RhaiError("ErrorVariableNotFound", `variable not found: ${name}`, { position: pos(n) });
        if (e.constant) throw constErr(name, n);
        e.cell.v = v;
      };
      return {
        get,
        set: (rt, _f, v) => set(rt, v),
        update: (rt, f, fn) => set(rt, fn(get(rt, f))),
      };
    }
    case "this": {
      const get: Ev = (_rt, f) => {
        const v = valueAt(f, 0);
        if (v === UNBOUND)
          throw new RhaiError("ErrorUnboundThis", "'this' is not bound", { position: pos(n) });
        return v;
      };
      return {
        get,
        set: (_rt, f, v) => {
          f[0] = v;
        },
        update: (rt, f, fn) => {
          f[0] = fn(get(rt, f));
        },
      };
    }
    case "prop": {
      const obj = compileLV(c, n.obj);
      const name: string = n.name;
      const p = pos(n);
      const safe: boolean = n.safe;
      return {
        get: (rt, f) => {
          const o = obj.get(rt, f);
          if (safe && o === undefined) return undefined;
          return getProp(rt, o, name, p);
        },
        set: (rt, f, v) =>
          obj.update(rt, f, (o) => (safe && o === undefined ? o : setProp(rt, o, name, v, p))),
        update: (rt, f, fn) =>
          obj.update(rt, f, (o) =>
            safe && o === undefined ? o : setProp(rt, o, name, fn(getProp(rt, o, name, p)), p),
          ),
      };
    }
    case "index": {
      const obj = compileLV(c, n.obj);
      const idx = c.expr(n.idx);
      const p = pos(n);
      const safe: boolean = n.safe;
      return {
        get: (rt, f) => {
          const o = obj.get(rt, f);
          if (safe && o === undefined) return undefined;
          const i = idx(rt, f);
          return getIndex(rt, o, i, p);
        },
        set: (rt, f, v) => {
          const i = idx(rt, f);
          obj.update(rt, f, (o) => (safe && o === undefined ? o : setIndex(rt, o, i, v, p)));
        },
        update: (rt, f, fn) => {
          const i = idx(rt, f);
          obj.update(rt, f, (o) =>
            safe && o === undefined ? o : setIndex(rt, o, i, fn(getIndex(rt, o, i, p)), p),
          );
        },
      };
    }
    default: {
      // a temporary (call result, literal…): readable, writes are discarded
      const e = c.expr(n);
      return {
        get: e,
        set: () => {},
        update: (rt, f, fn) => {
          fn(e(rt, f));
        },
      };
    }
  }
}

/** Compiles a read of a variable, `this`, a namespaced constant, a property or an index. */
export function compileGet(c: Compiler, n: AccessExpr): Ev {
  switch (n.t) {
    case "var": {
      const s = n.decl.slot + 1;
      if (n.decl.captured) return (_rt, f) => cellAt(f, s).v;
      return (_rt, f) => valueAt(f, s);
    }
    case "gvar":
      return gvarGet(c, n);
    case "nsvar": {
      const ns: string = n.ns;
      const name: string = n.name;
      return (rt) => {
        if (ns === "global") {
          if (rt.globals.has(name)) return rt.globals.get(name);
          const e = rt.scope?.entry(name);
          if (e?.constant) return e.cell.v;
          throw new RhaiError("ErrorVariableNotFound", `variable not found: global::${name}`, {
            position: pos(n),
          });
        }
        const m = rt.core.modules.get(ns);
        if (!m) throw new RhaiError("ErrorModuleNotFound", `module not found: ${ns}`, { position: pos(n) });
        if (!m.constants.has(name))
          throw new RhaiError("ErrorVariableNotFound", `variable not found: ${ns}::${name}`, {
            position: pos(n),
          });
        return m.constants.get(name);
      };
    }
    default:
      return compileLV(c, n).get;
  }
}

/** `+=` and friends, with in-place array/map/blob growth. */
function compound(rt: Runtime, op: string, cur: Value, v: Value, n: At): Value {
  if (op === "+") {
    if (typeof cur === "number" && typeof v === "number") {
      const s = cur + v;
      if (s <= 9007199254740991 && s >= -9007199254740991) return s;
    }
    if (Array.isArray(cur)) {
      if (Array.isArray(v)) for (const x of v) cur.push(x);
      else cur.push(v);
      if (typeof v === "object") checkSize(rt, cur, pos(n));
      else checkLen(rt, cur.length, pos(n));
      return cur;
    }
    if (cur instanceof Map && v instanceof Map) {
      for (const [k, x] of v) cur.set(k, x);
      checkSize(rt, cur, pos(n));
      return cur;
    }
    if (cur instanceof RBlob) {
      if (v instanceof RBlob) for (const b of v.bytes) cur.bytes.push(b);
      else if (typeof v === "number") cur.bytes.push(v & 0xff);
      // blob += string appends its UTF-8 bytes (builtin.rs, blob_basic.rs append_str)
      else if (typeof v === "string") for (const b of Buffer.from(v, "utf8")) cur.bytes.push(b);
      else return binaryOp(rt, op, cur, v, n);
      checkSize(rt, cur, pos(n));
      return cur;
    }
  }
  const r = binaryOp(rt, op, cur, v, n);
  if (typeof r === "string") checkSize(rt, r, pos(n));
  return r;
}

export function compileAssign(c: Compiler, n: Assign): Ev {
  const lv = compileLV(c, n.target);
  const val = c.valueExpr(n.value);
  const op = n.op;
  const t = n.target;
  if (op === null) {
    if (t.t === "var" && !t.decl.captured && !t.decl.isConst) {
      const s = t.decl.slot + 1;
      return (rt, f) => {
        f[s] = val(rt, f);
        return undefined;
      };
    }
    return (rt, f) => {
      lv.set(rt, f, val(rt, f));
      return undefined;
    };
  }
  if (t.t === "var" && !t.decl.captured && !t.decl.isConst) {
    const s = t.decl.slot + 1;
    if (op === "+" || op === "-")
      return (rt, f) => {
        const v = val(rt, f);
        const cur = valueAt(f, s);
        if (typeof cur === "number" && typeof v === "number") {
          const r = op === "+" ? cur + v : cur - v;
          if (r <= 9007199254740991 && r >= -9007199254740991) {
            f[s] = r;
            return undefined;
          }
        }
        f[s] = compound(rt, op, cur, v, n);
        return undefined;
      };
    return (rt, f) => {
      const v = val(rt, f);
      f[s] = compound(rt, op, valueAt(f, s), v, n);
      return undefined;
    };
  }
  return (rt, f) => {
    const v = val(rt, f);
    lv.update(rt, f, (cur) => compound(rt, op, cur, v, n));
    return undefined;
  };
}
