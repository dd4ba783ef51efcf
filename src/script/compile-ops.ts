import { type At, type OpExpr, unknownNode } from "./ast.js";
import type { Compiler } from "./compiler.js";
import { RhaiError } from "./errors.js";
import { toDisplay } from "./format.js";
import { checkSize } from "./limits-check.js";
import { binaryBuiltin, floatCmp, intNeg, NO_OP } from "./ops.js";
import type { Ev, Runtime } from "./runtime.js";
import { RCustom, RFloat, RRange, typeName, type Value } from "./values.js";

const MAXS = 9007199254740991;

/** Generic binary operator: built-ins, then registered overloads, else ErrorFunctionNotFound. */
export function binaryOp(rt: Runtime, op: string, a: Value, b: Value, n: At): Value {
  try {
    if (!(a instanceof RCustom) && !(b instanceof RCustom)) {
      const r = binaryBuiltin(op, a, b, toDisplay);
      if (r !== NO_OP) {
        if (rt.sizeLimited && typeof r !== "number" && typeof r !== "boolean")
          checkSize(rt, r, { line: n.line, column: n.col });
        return r;
      }
    }
    const nf = rt.core.registry.resolve(op, [a, b]);
    if (nf) return rt.callNative(nf, [a, b], { line: n.line, column: n.col });
    if (a instanceof RCustom || b instanceof RCustom) {
      if (op === "==") return a === b;
      if (op === "!=") return a !== b;
    }
  } catch (e) {
    if (e instanceof RhaiError && e.position === null) e.position = { line: n.line, column: n.col };
    throw e;
  }
  throw new RhaiError("ErrorFunctionNotFound", `function not found: ${op} (${typeName(a)}, ${typeName(b)})`, {
    position: { line: n.line, column: n.col },
  });
}

function boolOf(v: Value, n: At, what: string): boolean {
  if (typeof v === "boolean") return v;
  throw new RhaiError("ErrorMismatchDataType", `${what}: expecting bool but got ${typeName(v)}`, {
    position: { line: n.line, column: n.col },
  });
}

function fast(op: string, l: Ev, r: Ev, n: At): Ev {
  switch (op) {
    case "+":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number") {
          const s = a + b;
          if (s <= MAXS && s >= -MAXS) return s;
        }
        return binaryOp(rt, op, a, b, n);
      };
    case "-":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number") {
          const s = a - b;
          if (s <= MAXS && s >= -MAXS) return s;
        }
        return binaryOp(rt, op, a, b, n);
      };
    case "*":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number") {
          const s = a * b;
          if (s <= MAXS && s >= -MAXS) return s === 0 ? 0 : s;
        }
        return binaryOp(rt, op, a, b, n);
      };
    case "%":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number" && b !== 0) {
          const s = a % b;
          return s === 0 ? 0 : s;
        }
        return binaryOp(rt, op, a, b, n);
      };
    case "<":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number") return a < b;
        return binaryOp(rt, op, a, b, n);
      };
    case "<=":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number") return a <= b;
        return binaryOp(rt, op, a, b, n);
      };
    case ">":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number") return a > b;
        return binaryOp(rt, op, a, b, n);
      };
    case ">=":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === "number" && typeof b === "number") return a >= b;
        return binaryOp(rt, op, a, b, n);
      };
    case "==":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === typeof b && typeof a !== "object") return a === b;
        return binaryOp(rt, op, a, b, n);
      };
    case "!=":
      return (rt, f) => {
        const a = l(rt, f);
        const b = r(rt, f);
        if (typeof a === typeof b && typeof a !== "object") return a !== b;
        return binaryOp(rt, op, a, b, n);
      };
    default:
      return (rt, f) => binaryOp(rt, op, l(rt, f), r(rt, f), n);
  }
}

function negate(v: Value, rt: Runtime, n: At): Value {
  if (typeof v === "number" || typeof v === "bigint") {
    try {
      return intNeg(v);
    } catch (e) {
      if (e instanceof RhaiError) e.position = { line: n.line, column: n.col };
      throw e;
    }
  }
  if (v instanceof RFloat) return new RFloat(-v.v);
  const nf = rt.core.registry.resolve("-", [v]);
  if (nf) return rt.callNative(nf, [v], { line: n.line, column: n.col });
  throw new RhaiError("ErrorFunctionNotFound", `function not found: - (${typeName(v)})`, {
    position: { line: n.line, column: n.col },
  });
}

function containsOp(rt: Runtime, item: Value, coll: Value, n: At): boolean {
  const nf = rt.core.registry.resolve("contains", [coll, item]);
  if (!nf)
    throw new RhaiError(
      "ErrorFunctionNotFound",
      `function not found: contains (${typeName(coll)}, ${typeName(item)})`,
      {
        position: { line: n.line, column: n.col },
      },
    );
  const r = rt.callNative(nf, [coll, item], { line: n.line, column: n.col });
  return r === true;
}

export function compileOp(c: Compiler, n: OpExpr): Ev {
  switch (n.t) {
    case "unary": {
      const e = c.expr(n.e);
      if (n.op === "!")
        return (rt, f) => {
          const v = e(rt, f);
          if (typeof v === "boolean") return !v;
          const nf = rt.core.registry.resolve("!", [v]);
          if (nf) return rt.callNative(nf, [v], { line: n.line, column: n.col });
          throw new RhaiError("ErrorFunctionNotFound", `function not found: ! (${typeName(v)})`, {
            position: { line: n.line, column: n.col },
          });
        };
      if (n.op === "-")
        return (rt, f) => {
          const v = e(rt, f);
          if (typeof v === "number" && v !== 0) return -v;
          return negate(v, rt, n);
        };
      return (rt, f) => {
        const v = e(rt, f);
        if (typeof v === "number" || typeof v === "bigint" || v instanceof RFloat) return v;
        throw new RhaiError("ErrorFunctionNotFound", `function not found: + (${typeName(v)})`, {
          position: { line: n.line, column: n.col },
        });
      };
    }
    case "and": {
      const l = c.expr(n.l);
      const r = c.expr(n.r);
      return (rt, f) => boolOf(l(rt, f), n.l, "&&") && boolOf(r(rt, f), n.r, "&&");
    }
    case "or": {
      const l = c.expr(n.l);
      const r = c.expr(n.r);
      return (rt, f) => boolOf(l(rt, f), n.l, "||") || boolOf(r(rt, f), n.r, "||");
    }
    case "coalesce": {
      const l = c.expr(n.l);
      const r = c.expr(n.r);
      return (rt, f) => {
        const v = l(rt, f);
        return v === undefined ? r(rt, f) : v;
      };
    }
    case "range": {
      const l = c.expr(n.l);
      const r = c.expr(n.r);
      const inclusive = n.inclusive;
      return (rt, f) => {
        const a = l(rt, f);
        let b = r(rt, f);
        if (b === undefined) b = 9223372036854775807n;
        if (
          (typeof a === "number" || typeof a === "bigint") &&
          (typeof b === "number" || typeof b === "bigint")
        )
          return new RRange(a, b, inclusive);
        const nf = rt.core.registry.resolve(inclusive ? "..=" : "..", [a, b]);
        if (nf) return rt.callNative(nf, [a, b], { line: n.line, column: n.col });
        throw new RhaiError(
          "ErrorFunctionNotFound",
          `function not found: ${inclusive ? "..=" : ".."} (${typeName(a)}, ${typeName(b)})`,
          { position: { line: n.line, column: n.col } },
        );
      };
    }
    case "bin": {
      const l = c.expr(n.l);
      const r = c.expr(n.r);
      const op = n.op;
      if (op === "in") return (rt, f) => containsOp(rt, l(rt, f), r(rt, f), n);
      if (op === "!in") return (rt, f) => !containsOp(rt, l(rt, f), r(rt, f), n);
      return fast(op, l, r, n);
    }
    default:
      return unknownNode(n);
  }
}

export { floatCmp };
