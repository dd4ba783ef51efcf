import { type At, type FlowExpr, type FlowStmt, type For, type Switch, unknownNode } from "./ast.js";
import type { Compiler } from "./compiler.js";
import { type Position, RhaiError } from "./errors.js";
import { weight } from "./op-weight.js";
import { valuesEqual } from "./ops.js";
import type { Ev, Frame, Runtime } from "./runtime.js";
import { BREAK, CONTINUE, RETURN } from "./runtime.js";
import { iterate } from "./stdlib/iterate.js";
import { Cell, cloneValue, type RRange, type Value } from "./values.js";

function pos(n: At): Position {
  return { line: n.line, column: n.col };
}

function cond(v: Value, n: At): boolean {
  if (v === true) return true;
  if (v === false) return false;
  throw new RhaiError("ErrorMismatchDataType", "condition must be a bool", { position: pos(n) });
}

/** Handles loop flow after a body run: returns 0 = go on, 1 = leave loop with rt.flowValue, 2 = propagate. */
function loopFlow(rt: Runtime): number {
  const fl = rt.flow;
  if (fl === CONTINUE) {
    rt.flow = 0;
    return 0;
  }
  if (fl === BREAK) {
    rt.flow = 0;
    return 1;
  }
  return 2;
}

function inRange(v: Value, r: RRange): boolean {
  if (typeof v !== "number" && typeof v !== "bigint") return false;
  return v >= r.start && (r.inclusive ? v <= r.end : v < r.end);
}

/** Value of a caught error for `catch (e)`. */
export function caughtValue(e: RhaiError): Value {
  let x = e;
  while ((x.kind === "ErrorInFunctionCall" || x.kind === "ErrorInModule") && x.inner) x = x.inner;
  if (x.kind === "ErrorRuntime") return x.value;
  const m = new Map<string, Value>();
  m.set("message", x.message);
  m.set("error", x.kind);
  if (x.position) {
    m.set("line", x.position.line);
    m.set("position", x.position.column);
  }
  return m;
}

export function compileFlow(c: Compiler, n: FlowExpr | FlowStmt): Ev {
  switch (n.t) {
    case "if": {
      const cn = c.expr(n.cond);
      const th = c.branch(n.then);
      const el = n.els ? c.branch(n.els) : null;
      if (el)
        return (rt, f) => {
          const v = cn(rt, f);
          if (v === true) return th(rt, f);
          if (v === false) return el(rt, f);
          return cond(v, n.cond) ? th(rt, f) : el(rt, f);
        };
      return (rt, f) => {
        const v = cn(rt, f);
        if (v === true) return th(rt, f);
        if (v === false) return undefined;
        return cond(v, n.cond) ? th(rt, f) : undefined;
      };
    }
    case "while": {
      const cn = n.cond ? c.expr(n.cond) : null;
      const body = c.expr(n.body);
      const w = 1 + weight(n.cond);
      const at = n.cond ?? n;
      return (rt, f) => {
        for (;;) {
          if ((rt.ops += w) > rt.opsCheck) rt.tick();
          if (cn && !cond(cn(rt, f), at)) return undefined;
          body(rt, f);
          if (rt.flow !== 0) {
            const r = loopFlow(rt);
            if (r === 1) return rt.flowValue;
            if (r === 2) return undefined;
          }
        }
      };
    }
    case "do": {
      const cn = c.expr(n.cond);
      const body = c.expr(n.body);
      const until: boolean = n.until;
      const w = 1 + weight(n.cond);
      return (rt, f) => {
        for (;;) {
          if ((rt.ops += w) > rt.opsCheck) rt.tick();
          body(rt, f);
          if (rt.flow !== 0) {
            const r = loopFlow(rt);
            if (r === 1) return rt.flowValue;
            if (r === 2) return undefined;
          }
          if (cond(cn(rt, f), n.cond) === until) return undefined;
        }
      };
    }
    case "for":
      return compileFor(c, n);
    case "switch":
      return compileSwitch(c, n);
    case "try": {
      const body = c.expr(n.body);
      const handler = c.expr(n.handler);
      const slot = n.decl ? n.decl.slot + 1 : 0;
      const captured = n.decl?.captured ?? false;
      return (rt, f) => {
        const depth = rt.depth;
        try {
          return body(rt, f);
        } catch (e) {
          if (!(e instanceof RhaiError) || !e.catchable) throw e;
          rt.depth = depth;
          rt.flow = 0;
          if (slot) {
            const v = caughtValue(e);
            f[slot] = captured ? new Cell(v) : v;
          }
          try {
            handler(rt, f);
          } catch (e2) {
            if (e2 instanceof RhaiError && e2.kind === "ErrorRuntime" && e2.value === undefined) throw e;
            throw e2;
          }
          return undefined;
        }
      };
    }
    case "return": {
      const e = n.e ? c.valueExpr(n.e) : null;
      c.flowCount++;
      return (rt, f) => {
        rt.flowValue = e ? e(rt, f) : undefined;
        rt.flow = RETURN;
        return undefined;
      };
    }
    case "break": {
      const e = n.e ? c.valueExpr(n.e) : null;
      c.flowCount++;
      return (rt, f) => {
        rt.flowValue = e ? e(rt, f) : undefined;
        rt.flow = BREAK;
        return undefined;
      };
    }
    case "continue":
      c.flowCount++;
      return (rt) => {
        rt.flowValue = undefined;
        rt.flow = CONTINUE;
        return undefined;
      };
    case "throw": {
      const e = n.e ? c.valueExpr(n.e) : null;
      return (rt, f) => {
        const v = e ? e(rt, f) : undefined;
        const err = new RhaiError("ErrorRuntime", `runtime error: ${String(v)}`, {
          position: pos(n),
          value: v,
        });
        if (!e) err.rethrow = true;
        throw err;
      };
    }
    default:
      return unknownNode(n);
  }
}

function compileFor(c: Compiler, n: For): Ev {
  const iter = c.expr(n.iter);
  const body = c.expr(n.body);
  const slot = n.decl.slot + 1;
  const cap: boolean = n.decl.captured;
  const cslot = n.counter ? n.counter.slot + 1 : 0;
  const ccap: boolean = n.counter?.captured ?? false;
  const p = pos(n);
  return (rt: Runtime, f: Frame) => {
    const src = iter(rt, f);
    let idx = 0;
    // captured loop variables are one shared variable for the whole loop (as in Rhai)
    const cell = cap ? new Cell(undefined) : null;
    const ccell = ccap ? new Cell(0) : null;
    if (cell) f[slot] = cell;
    if (ccell) f[cslot] = ccell;
    const step = (v: Value): number => {
      if (++rt.ops > rt.opsCheck) rt.tick();
      if (cell) cell.v = v;
      else f[slot] = v;
      if (ccell) ccell.v = idx;
      else if (cslot) f[cslot] = idx;
      idx++;
      body(rt, f);
      if (rt.flow !== 0) return loopFlow(rt);
      return 0;
    };
    // fast path: integer range
    if (src !== null && typeof src === "object" && "inclusive" in src && typeof src.start === "number") {
      const r = src as RRange;
      const end = typeof r.end === "bigint" ? Number.MAX_SAFE_INTEGER : r.inclusive ? r.end + 1 : r.end;
      if (!cap && !cslot) {
        for (let i = r.start as number; i < end; i++) {
          if (++rt.ops > rt.opsCheck) rt.tick();
          f[slot] = i;
          body(rt, f);
          if (rt.flow !== 0) {
            const k = loopFlow(rt);
            if (k === 1) return rt.flowValue;
            if (k === 2) return undefined;
          }
        }
        return undefined;
      }
    }
    for (const v of iterate(rt, src, p)) {
      const k = step(typeof v === "object" ? cloneValue(v) : v);
      if (k === 1) return rt.flowValue;
      if (k === 2) return undefined;
    }
    return undefined;
  };
}

function compileSwitch(c: Compiler, n: Switch): Ev {
  const item = c.expr(n.item);
  // a case body is a statement (an assignment, a `let`…) whose value is the switch's
  const cases = n.cases.map((k) => ({
    values: k.values,
    guard: k.guard ? c.expr(k.guard) : null,
    guardNode: k.guard ?? n,
    body: c.stmt(k.body),
  }));
  const ranges = n.ranges.map((k) => ({
    range: k.range,
    guard: k.guard ? c.expr(k.guard) : null,
    guardNode: k.guard ?? n,
    body: c.stmt(k.body),
  }));
  const def = n.def ? c.stmt(n.def) : null;
  return (rt, f) => {
    const v = item(rt, f);
    for (const k of cases) {
      let hit = false;
      for (const cv of k.values)
        if (valuesEqual(v, cv) && typeof v === typeof cv) {
          hit = true;
          break;
        }
      if (hit && (!k.guard || cond(k.guard(rt, f), k.guardNode))) return k.body(rt, f);
    }
    for (const k of ranges) {
      if (inRange(v, k.range) && (!k.guard || cond(k.guard(rt, f), k.guardNode))) return k.body(rt, f);
    }
    return def ? def(rt, f) : undefined;
  };
}
