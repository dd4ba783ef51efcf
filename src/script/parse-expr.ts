import type { Block, Expr, Node } from "./ast.js";
import { parseClosure, parseSwitch } from "./parse-more.js";
import {
  parseBlock,
  parseDo,
  parseFor,
  parseIf,
  parseLoop,
  parseStatements,
  parseWhile,
} from "./parse-stmt.js";
import type { Parser } from "./parser.js";
import type { Token } from "./tokens.js";
import { RChar, RFloat } from "./values.js";

/** Binary operator precedences (Rhai's `Token::precedence`). */
export const PRECEDENCE: Record<string, number> = {
  "||": 30,
  "^": 30,
  "|": 30,
  "&&": 60,
  "&": 60,
  "==": 90,
  "!=": 90,
  in: 110,
  "!in": 110,
  "<": 130,
  "<=": 130,
  ">": 130,
  ">=": 130,
  "??": 135,
  "..": 140,
  "..=": 140,
  "+": 150,
  "-": 150,
  "*": 180,
  "/": 180,
  "%": 180,
  "**": 190,
  "<<": 210,
  ">>": 210,
};

export function parseExpr(p: Parser, lvl: number): Expr {
  const l2 = p.up(lvl);
  const lhs = parseUnary(p, l2);
  return parseBinary(p, l2, 0, lhs);
}

function parseBinary(p: Parser, lvl: number, parentPrec: number, lhs: Expr): Expr {
  let root = lhs;
  for (;;) {
    const opTok = p.peek();
    if (opTok.k === "reserved" && !/^[a-z_]/i.test(opTok.v))
      throw p.err("UnknownOperator", `unknown operator '${opTok.v}'`, opTok);
    if (p.noPipe && opTok.k === "|") return root;
    const prec = PRECEDENCE[opTok.k] ?? 0;
    const bindRight = opTok.k === "**";
    if (prec === 0 || prec < parentPrec || (prec === parentPrec && !bindRight)) return root;
    p.next();
    let rhs: Expr;
    const nk = p.peek().k;
    if (opTok.k === "??" && (nk === "break" || nk === "continue" || nk === "return" || nk === "throw")) {
      rhs = p.node("block", p.peek(), { body: parseStatementOne(p, lvl) });
    } else if ((opTok.k === ".." || opTok.k === "..=") && [")", "]", "}", ",", ";", "=>"].includes(nk)) {
      rhs = p.node("lit", p.peek(), { v: undefined });
    } else rhs = parseUnary(p, lvl);
    const next = p.peek();
    const nextPrec = PRECEDENCE[next.k] ?? 0;
    if ((prec === nextPrec && next.k === "**") || prec < nextPrec) {
      rhs = parseBinary(p, p.up(lvl), prec, rhs);
    }
    lvl = p.up(lvl, opTok);
    const op = opTok.k;
    if (op === "&&") root = p.node("and", opTok, { l: root, r: rhs });
    else if (op === "||") root = p.node("or", opTok, { l: root, r: rhs });
    else if (op === "??") root = p.node("coalesce", opTok, { l: root, r: rhs });
    else if (op === ".." || op === "..=")
      root = p.node("range", opTok, { l: root, r: rhs, inclusive: op === "..=" });
    else root = p.node("bin", opTok, { op, l: root, r: rhs });
  }
}

function parseStatementOne(p: Parser, lvl: number): Node[] {
  // `x ?? return 1` style: a single control statement
  const saved = p.i;
  const body = parseStatements(p, lvl, false, true);
  if (body.length === 0) p.i = saved;
  return body;
}

export function parseUnary(p: Parser, lvl: number): Expr {
  const t = p.peek();
  // tokenizer.rs reads a `-` glued to digits in unary position as part of the number: only then is
  // 9223372036854775808 the integer i64::MIN (`- 9223372036854775808` negates the float)
  const lit = p.peekAt(1);
  if (
    t.k === "-" &&
    lit.k === "int" &&
    lit.num === 0x8000000000000000n &&
    lit.line === t.line &&
    lit.col === t.col + 1
  ) {
    p.next();
    const n = p.next();
    return parsePostfix(p, lvl, p.node("lit", n, { v: -0x8000000000000000n }));
  }
  if (t.k === "-" || t.k === "+") {
    p.next();
    const e = parseUnary(p, p.up(lvl));
    if (e.t === "lit" && (typeof e.v === "number" || typeof e.v === "bigint" || e.v instanceof RFloat)) {
      if (t.k === "+") return e;
      if (e.v instanceof RFloat) return p.node("lit", t, { v: new RFloat(-e.v.v) });
      if (typeof e.v === "number") return p.node("lit", t, { v: e.v === 0 ? 0 : -e.v });
      const n = -e.v;
      return p.node("lit", t, { v: n === 9007199254740992n ? n : n >= -9007199254740991n ? Number(n) : n });
    }
    return p.node("unary", t, { op: t.k === "-" ? "-" : "+", e });
  }
  if (t.k === "!") {
    p.next();
    return p.node("unary", t, { op: "!", e: parseUnary(p, p.up(lvl)) });
  }
  if (t.k === ".." || t.k === "..=") {
    // `..b` = from the start
    p.next();
    const nk = p.peek().k;
    const r = [")", "]", "}", ",", ";", "=>"].includes(nk)
      ? p.node("lit", t, { v: undefined })
      : parseUnary(p, p.up(lvl));
    return p.node("range", t, { l: p.node("lit", t, { v: 0 }), r, inclusive: t.k === "..=" });
  }
  if (t.k === "eof") throw p.err("UnexpectedEOF", "script is incomplete", t);
  return parsePostfix(p, lvl, parsePrimary(p, lvl));
}

function literalKind(n: Expr): string | null {
  if (n.t === "lit") {
    const v = n.v;
    if (typeof v === "number" || typeof v === "bigint") return "int";
    if (typeof v === "string") return "string";
    if (typeof v === "boolean") return "bool";
    if (v === undefined) return "unit";
    if (v instanceof RFloat) return "float";
    if (v instanceof RChar) return "char";
  }
  if (n.t === "interp") return "string";
  if (n.t === "and" || n.t === "or") return "bool";
  if (n.t === "arr") return "array";
  if (n.t === "map") return "map";
  return null;
}

function checkIndexTypes(p: Parser, lhs: Expr, idx: Expr, at: Token): void {
  const lk = literalKind(lhs);
  const ik = literalKind(idx);
  if (lk === "map") {
    if (ik && ik !== "string" && ik !== "array" && ik !== "map")
      throw p.err("MalformedIndexExpr", "object map expects string index", at);
  } else if (lk === "int" || lk === "array" || lk === "string") {
    if (ik && ik !== "int" && ik !== "array" && ik !== "map")
      throw p.err("MalformedIndexExpr", "array, string or bit-field expects integer index", at);
  }
}

function propName(p: Parser): Token {
  const t = p.next();
  if (t.k === "id" || (typeof t.v === "string" && /^[A-Za-z_]/.test(t.v) && t.k !== "str")) return t;
  throw p.err("PropertyExpected", "expecting the name of a property", t);
}

function parsePostfix(p: Parser, lvl: number, e: Expr): Expr {
  for (;;) {
    const t = p.peek();
    if (t.k === "." || t.k === "?.") {
      p.next();
      const name = propName(p);
      if (p.is("(")) {
        const args = parseArgs(p, lvl);
        e = p.node("method", name, { obj: e, name: name.v, args, safe: t.k === "?." });
      } else {
        if (p.is("!") && p.peekAt(1).k === "(")
          throw p.err("MalformedCapture", "method call cannot capture", name);
        e = p.node("prop", name, { obj: e, name: name.v, safe: t.k === "?." });
      }
      lvl = p.up(lvl, t);
    } else if (t.k === "[" || t.k === "?[") {
      p.next();
      const idx = parseExpr(p, p.up(lvl));
      checkIndexTypes(p, e, idx, t);
      p.expect("]", "to close the index");
      e = p.node("index", t, { obj: e, idx, safe: t.k === "?[" });
      lvl = p.up(lvl, t);
    } else return e;
  }
}

export function parseArgs(p: Parser, lvl: number): Expr[] {
  p.expect("(");
  const args: Expr[] = [];
  while (!p.is(")")) {
    args.push(parseExpr(p, lvl));
    if (!p.eat(",")) {
      if (!p.is(")")) throw p.err("MissingToken", "expecting ',' or ')' in the argument list");
    }
  }
  p.next();
  return args;
}

function parseInterp(p: Parser, t: Token, lvl: number): Expr {
  const parts: (string | Block)[] = [];
  for (const part of t.parts ?? []) {
    if (typeof part === "string") parts.push(part);
    else {
      const savedToks = p.toks;
      const savedI = p.i;
      const savedLexer = p.lexer;
      p.lexer = null;
      p.toks = part;
      p.i = 0;
      p.pushBlock();
      const body = parseStatements(p, p.up(lvl), false);
      p.popBlock();
      if (!p.is("eof")) throw p.err("UnexpectedInput", "unexpected token in interpolation");
      p.toks = savedToks;
      p.i = savedI;
      p.lexer = savedLexer;
      parts.push(p.node("block", t, { body }));
    }
  }
  return p.node("interp", t, { parts });
}

function parsePrimary(p: Parser, lvl: number): Expr {
  const t = p.next();
  switch (t.k) {
    case "int":
      // 2^63 not negated does not fit i64: a float, as tokenizer.rs parses it
      if (t.num === 0x8000000000000000n) return p.node("lit", t, { v: new RFloat(2 ** 63) });
      return p.node("lit", t, { v: t.num });
    case "str":
      return p.node("lit", t, { v: t.v });
    case "float":
      return p.node("lit", t, { v: new RFloat(Number(t.num)) });
    case "char":
      return p.node("lit", t, { v: new RChar(t.v) });
    case "true":
    case "false":
      return p.node("lit", t, { v: t.k === "true" });
    case "interp":
      return parseInterp(p, t, lvl);
    case "(": {
      if (p.is(")") && p.peek().col === t.col + 1 && p.peek().line === t.line) {
        p.next();
        return p.node("lit", t, { v: undefined });
      }
      const e = parseExpr(p, p.up(lvl));
      p.expect(")", "to close the parenthesis");
      return e;
    }
    case "[": {
      const l2 = p.up(lvl);
      const items: Expr[] = [];
      const maxA = p.cfg.maxArraySize ?? 0;
      for (;;) {
        if (maxA > 0 && items.length >= maxA)
          throw p.err("LiteralTooLarge", "size of array literal exceeds the limit");
        if (p.is("]")) break;
        items.push(parseExpr(p, l2));
        if (!p.eat(",") && !p.is("]"))
          throw p.err("MissingToken", "expecting ',' or ']' in the array literal");
      }
      p.next();
      return p.node("arr", t, { items });
    }
    case "#{": {
      const l2 = p.up(lvl);
      const entries: [string, Expr][] = [];
      const seen = new Set<string>();
      const maxM = p.cfg.maxMapSize ?? 0;
      for (;;) {
        if (maxM > 0 && entries.length >= maxM)
          throw p.err("LiteralTooLarge", "number of properties in object map literal exceeds the limit");
        if (p.is("}")) break;
        const k = p.next();
        let key: string;
        if (
          k.k === "id" ||
          k.k === "str" ||
          (k.k !== "interp" && typeof k.v === "string" && /^[A-Za-z_]/.test(k.v))
        )
          key = k.v;
        else if (k.k === "eof") throw p.err("MissingToken", "expecting '}' to close the object map", k);
        else throw p.err("PropertyExpected", "expecting a property name", k);
        if (seen.has(key)) throw p.err("DuplicatedProperty", `duplicated property '${key}'`, k);
        seen.add(key);
        p.expect(":", "after the property name");
        entries.push([key, parseExpr(p, l2)]);
        if (!p.eat(",") && !p.is("}")) throw p.err("MissingToken", "expecting ',' or '}' in the object map");
      }
      p.next();
      return p.node("map", t, { entries });
    }
    case "{": {
      if (!p.opts.allowStatementExpression || p.cfg.expressionOnly)
        throw p.err("BadInput", "statement blocks are not allowed in expressions", t);
      p.i--;
      return parseBlock(p, p.up(lvl));
    }
    case "if":
      if (!p.opts.allowIfExpression) throw p.err("BadInput", "if-expressions are not allowed", t);
      p.i--;
      return parseIf(p, p.up(lvl));
    case "switch":
      p.i--;
      return parseSwitch(p, p.up(lvl));
    case "while":
    case "loop":
    case "do":
    case "for": {
      if (!p.opts.allowLoopExpressions || p.cfg.expressionOnly)
        throw p.err("BadInput", "loop expressions are not allowed", t);
      if (!p.opts.allowLooping) throw p.err("BadInput", "looping is not allowed", t);
      p.i--;
      const l2 = p.up(lvl);
      return t.k === "while"
        ? parseWhile(p, l2)
        : t.k === "loop"
          ? parseLoop(p, l2)
          : t.k === "do"
            ? parseDo(p, l2)
            : parseFor(p, l2);
    }
    case "|":
    case "||":
      p.i--;
      return parseClosure(p, p.up(lvl));
    case "this":
      if (p.fn.kind === "top") throw p.err("BadInput", "'this' can only be used in functions", t);
      p.fn.info.hasThis = true;
      return p.node("this", t, {});
    case "global":
    case "id":
      return parseIdent(p, t, lvl);
    case "reserved":
      if (/^[a-z]/i.test(t.v)) throw p.err("Reserved", `'${t.v}' is a reserved keyword`, t);
      throw p.err("BadInput", `unexpected '${t.v}'`, t);
    case "eof":
      throw p.err("UnexpectedEOF", "script is incomplete", t);
    default:
      throw p.err("BadInput", `unexpected '${t.v}'`, t);
  }
}

function parseIdent(p: Parser, t: Token, lvl: number): Expr {
  if (p.is("::")) {
    const path: string[] = [t.v];
    while (p.eat("::")) {
      const n = p.next();
      if (n.k !== "id" && !(typeof n.v === "string" && /^[A-Za-z_]/.test(n.v)))
        throw p.err("VariableExpected", "expecting a name after '::'", n);
      path.push(n.v);
    }
    const name = path.pop() ?? "";
    const ns = path.join("::");
    const root = path[0] ?? "";
    if (p.opts.strictVariables && root !== "global" && !p.cfg.modules.has(ns) && !p.imports.has(root))
      throw p.err("ModuleUndefined", `undefined module '${ns}'`, t);
    if (p.is("("))
      return p.node("call", t, {
        name,
        ns,
        args: parseArgs(p, p.up(lvl)),
        bang: false,
        visible: null,
        blockNames: null,
      });
    return p.node("nsvar", t, { ns, name });
  }
  if (t.k === "global") throw p.err("MissingToken", "expecting '::' after 'global'", p.peek());
  const name: string = t.v;
  if (p.is("!") && p.peekAt(1).k === "(") {
    p.next();
    const visible = p.visibleNames();
    return p.node("call", t, {
      name,
      ns: null,
      args: parseArgs(p, p.up(lvl)),
      bang: true,
      visible,
      blockNames: null,
    });
  }
  if (p.is("(")) {
    if (p.cfg.disabled.has(name)) throw p.err("Reserved", `'${name}' is disabled`, t);
    const call = p.node("call", t, {
      name,
      ns: null,
      args: parseArgs(p, p.up(lvl)),
      bang: false,
      visible: null,
      blockNames: null,
    });
    if (name === "is_def_var" || name === "eval") call.visible = p.visibleNames();
    if (name === "eval") call.blockNames = new Set(p.fn.blocks.at(-1)?.keys());
    return call;
  }
  const d = p.resolve(name);
  if (d) return p.node("var", t, { decl: d, name });
  if (p.opts.strictVariables && !p.cfg.scopeNames.has(name) && !p.fns.some((f) => f.name === name))
    return p.node("gvar", t, { name, strict: true });
  return p.node("gvar", t, { name, strict: false });
}
