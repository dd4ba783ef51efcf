import {
  type At,
  type Closure,
  type Decl,
  type Expr,
  type FnDef,
  type Node,
  type ScriptFnDef,
  type Switch,
  type SwitchCase,
  type SwitchRange,
  scriptFnKey,
  type Try,
} from "./ast.js";
import { parseExpr } from "./parse-expr.js";
import { parseBlock, parseStmt } from "./parse-stmt.js";
import type { Parser } from "./parser.js";
import { RFloat, RRange, type Value } from "./values.js";

const SELF_TERMINATED: ReadonlySet<Node["t"]> = new Set<Node["t"]>([
  "if",
  "switch",
  "while",
  "do",
  "for",
  "block",
  "try",
]);

/** Folds a literal expression to its value; `NOT_CONST` otherwise. */
export const NOT_CONST = Symbol("not-const");
export function constValue(n: Expr): Value | typeof NOT_CONST {
  switch (n.t) {
    case "lit":
      return n.v;
    case "arr": {
      const out: Value[] = [];
      for (const it of n.items) {
        const v = constValue(it);
        if (v === NOT_CONST) return NOT_CONST;
        out.push(v);
      }
      return out;
    }
    case "map": {
      const m = new Map<string, Value>();
      for (const [k, e] of n.entries) {
        const v = constValue(e);
        if (v === NOT_CONST) return NOT_CONST;
        m.set(k, v);
      }
      return m;
    }
    case "range": {
      const a = constValue(n.l);
      const b = constValue(n.r);
      if (
        (typeof a === "number" || typeof a === "bigint") &&
        (typeof b === "number" || typeof b === "bigint")
      )
        return new RRange(a, b, n.inclusive);
      return NOT_CONST;
    }
    default:
      return NOT_CONST;
  }
}

export function parseSwitch(p: Parser, lvl: number): Switch {
  const t = p.expect("switch");
  lvl = p.up(lvl, t);
  const item = parseExpr(p, lvl);
  p.expect("{", "to start a switch block");
  const cases: SwitchCase[] = [];
  const ranges: SwitchRange[] = [];
  let def: Node | null = null;
  let defTok: At | null = null;
  for (;;) {
    const c = p.peek();
    if (c.k === "}") {
      p.next();
      break;
    }
    if (c.k === "eof") throw p.err("MissingToken", "expecting '}' to end this switch block", c);
    if (def !== null) throw p.err("WrongSwitchDefaultCase", "default case must be the last", defTok ?? c);
    let values: Expr[] | null = null;
    let guard: Expr | null = null;
    if (c.k === "id" && c.v === "_") {
      p.next();
      defTok = c;
      if (p.is("if"))
        throw p.err("WrongSwitchCaseCondition", "default case cannot have a condition", p.peek());
    } else {
      values = [];
      for (;;) {
        const saved = p.noPipe;
        p.noPipe = true;
        try {
          values.push(parseExpr(p, lvl));
        } catch (e) {
          const pos = (e as { position?: { line: number; column: number } }).position;
          throw p.err("ExprExpected", "expecting a literal", pos ? { line: pos.line, col: pos.column } : c);
        } finally {
          p.noPipe = saved;
        }
        if (!p.eat("|")) break;
      }
      if (p.eat("if")) guard = parseExpr(p, lvl);
    }
    p.expect("=>", "in this switch case");
    let body: Node;
    let needComma: boolean;
    if (p.cfg.expressionOnly) {
      body = parseExpr(p, lvl);
      needComma = true;
    } else {
      body = parseStmt(p, lvl, false);
      needComma = !SELF_TERMINATED.has(body.t);
    }
    if (values === null) def = body;
    else {
      const lits: Value[] = [];
      for (const v of values) {
        const cv = constValue(v);
        if (cv === NOT_CONST) throw p.err("ExprExpected", "expecting a literal", v);
        if (cv instanceof RRange) {
          ranges.push({ range: cv, guard, body });
        } else {
          if (ranges.length > 0 && (typeof cv === "number" || typeof cv === "bigint" || cv instanceof RFloat))
            throw p.err("WrongSwitchIntegerCase", "integer case after a range case", v);
          lits.push(cv);
        }
      }
      if (lits.length > 0) cases.push({ values: lits, guard, body });
    }
    if (p.eat(",")) continue;
    if (p.is("}")) continue;
    if (p.is("eof")) throw p.err("MissingToken", "expecting '}' to end this switch block", p.peek());
    if (needComma)
      throw p.err("MissingToken", "expecting ',' to separate the items in this switch block", p.peek());
  }
  return p.node("switch", t, { item, cases, ranges, def });
}

function paramName(p: Parser): ReturnType<Parser["next"]> {
  const t = p.next();
  if (t.k === "id") return t;
  if (t.k === "reserved" && /^[a-z]/i.test(t.v)) throw p.err("Reserved", `'${t.v}' is a reserved keyword`, t);
  throw p.err("VariableExpected", "expecting a parameter name", t);
}

/**
 * `fn Type.name` / `fn "Type".name`: the type `this` must have (Rhai's typed methods; `int` and `float`
 * stand for `i64` and `f64`). Null for an ordinary function.
 */
function parseThisType(p: Parser): string | null {
  const first = p.peek();
  const dot = p.peekAt(1);
  if (first.k === "str" && dot.k !== ".")
    throw p.err("MissingToken", "expecting '.' after the type name for 'this'", dot);
  if ((first.k !== "id" && first.k !== "str") || dot.k !== ".") return null;
  p.next();
  p.next();
  return first.v === "int" ? "i64" : first.v === "float" ? "f64" : first.v;
}

export function parseFnDef(p: Parser, lvl: number): void {
  const isPrivate = p.eat("private");
  const t = p.expect("fn");
  const thisType = parseThisType(p);
  const nameTok = p.next();
  if (nameTok.k !== "id") {
    if (
      nameTok.k === "reserved" ||
      [
        "print",
        "debug",
        "type_of",
        "eval",
        "Fn",
        "call",
        "curry",
        "is_def_fn",
        "is_def_var",
        "is_shared",
      ].includes(nameTok.v)
    )
      throw p.err("Reserved", `'${nameTok.v}' is a reserved keyword`, nameTok);
    throw p.err("FnMissingName", "expecting a function name", nameTok);
  }
  if (!p.is("("))
    throw p.err("FnMissingParams", `expecting parameters for function '${nameTok.v}'`, p.peek());
  p.next();
  const outer = p.fn;
  const fn = p.newFn("fn", null);
  p.fn = fn;
  const params: string[] = [];
  const paramDecls: Decl[] = [];
  while (!p.is(")")) {
    const pt = paramName(p);
    if (params.includes(pt.v)) throw p.err("FnDuplicatedParam", `duplicated parameter '${pt.v}'`, pt);
    params.push(pt.v);
    paramDecls.push(p.declare(pt.v, false, pt));
    if (!p.eat(",") && !p.is(")")) throw p.err("MissingToken", "expecting ',' or ')' in the parameter list");
  }
  p.next();
  if (!p.is("{")) throw p.err("FnMissingBody", `expecting a body for function '${nameTok.v}'`, p.peek());
  const body = parseBlock(p, 0);
  p.fn = outer;
  const key = scriptFnKey(nameTok.v, params.length, thisType);
  if (p.fnKeys.has(key))
    throw p.err(
      "FnDuplicatedDefinition",
      `function '${nameTok.v}' with ${params.length} parameters already defined`,
      nameTok,
    );
  const max = p.cfg.maxFunctions;
  if (max > 0 && p.fns.length >= max) throw p.err("TooManyFunctions", "too many functions", t);
  const def: ScriptFnDef = {
    name: nameTok.v,
    params,
    paramDecls,
    body,
    info: fn.info,
    isPrivate,
    thisType,
    line: t.line,
    col: t.col,
  };
  p.fns.push(def);
  p.fnKeys.add(key);
  void lvl;
}

export function parseClosure(p: Parser, lvl: number): Closure {
  const t = p.next();
  if (!p.opts.allowAnonymousFn) throw p.err("BadInput", "anonymous functions are not allowed", t);
  const outer = p.fn;
  const fn = p.newFn("closure", outer);
  p.fn = fn;
  const params: string[] = [];
  const paramDecls: Decl[] = [];
  if (t.k === "|") {
    while (!p.is("|")) {
      const pt = paramName(p);
      if (params.includes(pt.v)) throw p.err("FnDuplicatedParam", `duplicated parameter '${pt.v}'`, pt);
      params.push(pt.v);
      paramDecls.push(p.declare(pt.v, false, pt));
      if (!p.eat(",") && !p.is("|"))
        throw p.err("MissingToken", "expecting ',' or '|' in the parameter list");
    }
    p.next();
  }
  let body: Node;
  try {
    body = parseStmt(p, p.up(lvl), false);
  } finally {
    p.fn = outer;
  }
  const def: FnDef = {
    name: `anon$${t.line}:${t.col}`,
    params,
    paramDecls,
    body,
    info: fn.info,
    isPrivate: true,
    thisType: null,
    line: t.line,
    col: t.col,
  };
  p.closures.push(def);
  return p.node("closure", t, { def });
}

export function parseTry(p: Parser, lvl: number): Try {
  const t = p.expect("try");
  const body = parseBlock(p, lvl);
  p.expect("catch", "after the try block");
  p.pushBlock();
  let decl: Decl | null = null;
  if (p.eat("(")) {
    const nt = paramName(p);
    decl = p.declare(nt.v, false, nt);
    p.expect(")", "to close the catch variable");
  }
  const handler = parseBlock(p, lvl);
  p.popBlock();
  return p.node("try", t, { body, decl, handler });
}
