import type { Block, Do, Expr, For, If, Let, Node, Place, While } from "./ast.js";
import { parseExpr } from "./parse-expr.js";
import { parseFnDef, parseSwitch, parseTry } from "./parse-more.js";
import type { Parser } from "./parser.js";

const SELF_TERMINATED: ReadonlySet<Node["t"]> = new Set<Node["t"]>([
  "if",
  "switch",
  "while",
  "do",
  "for",
  "block",
  "try",
  "fndef",
  "noop",
]);

/** Parses statements until `}` / EOF (not consumed). */
export function parseStatements(p: Parser, lvl: number, top: boolean, single = false): Node[] {
  const out: Node[] = [];
  while (!p.is("}") && !p.is("eof")) {
    if (p.cfg.expressionOnly && p.is(";"))
      throw p.err("BadInput", "';' is not allowed in an expression", p.peek());
    if (p.eat(";")) continue;
    const s = parseStmt(p, lvl, top);
    if (s.t !== "fndef") out.push(s);
    if (single) return out;
    if (p.is("}") || p.is("eof")) break;
    if (p.cfg.expressionOnly && p.is(";"))
      throw p.err("BadInput", "';' is not allowed in an expression", p.peek());
    if (!p.eat(";") && !SELF_TERMINATED.has(s.t)) {
      const t = p.peek();
      throw p.err("MissingToken", `expecting ';' to terminate this statement`, t);
    }
  }
  return out;
}

/** `{ … }` as a scoped block node. */
export function parseBlock(p: Parser, lvl: number): Block {
  const t = p.expect("{", "to start a statement block");
  p.pushBlock();
  const body = parseStatements(p, p.up(lvl), false);
  if (p.cfg.expressionOnly && (body.length !== 1 || p.prev().k === ";"))
    throw p.err("BadInput", "statement blocks are not allowed in an expression", t);
  p.popBlock();
  if (!p.is("}")) throw p.err("MissingToken", "expecting '}' to end the statement block", p.peek());
  p.next();
  return p.node("block", t, { body });
}

function varName(p: Parser): ReturnType<Parser["next"]> {
  const t = p.next();
  if (t.k === "id") return t;
  if (t.k === "reserved" && /^[a-z]/i.test(t.v)) throw p.err("Reserved", `'${t.v}' is a reserved keyword`, t);
  throw p.err("VariableExpected", "expecting the name of a variable", t);
}

function checkLooping(p: Parser, t: { line: number; col: number }): void {
  if (!p.opts.allowLooping) throw p.err("BadInput", "looping is not allowed", t);
}

export function parseIf(p: Parser, lvl: number): If {
  const t = p.expect("if");
  const cond = parseExpr(p, lvl);
  if (p.is("=")) throw p.err("BadInput", "possibly a typo of '=='", p.peek());
  const then = parseBlock(p, lvl);
  let els: Block | If | null = null;
  if (p.eat("else")) els = p.is("if") ? parseIf(p, p.up(lvl)) : parseBlock(p, lvl);
  return p.node("if", t, { cond, then, els });
}

function loopBody(p: Parser, lvl: number): Block {
  p.fn.loops++;
  const b = parseBlock(p, lvl);
  p.fn.loops--;
  return b;
}

export function parseWhile(p: Parser, lvl: number): While {
  const t = p.expect("while");
  checkLooping(p, t);
  const cond = parseExpr(p, lvl);
  return p.node("while", t, { cond, body: loopBody(p, lvl) });
}

export function parseLoop(p: Parser, lvl: number): While {
  const t = p.expect("loop");
  checkLooping(p, t);
  return p.node("while", t, { cond: null, body: loopBody(p, lvl) });
}

export function parseDo(p: Parser, lvl: number): Do {
  const t = p.expect("do");
  checkLooping(p, t);
  const body = loopBody(p, lvl);
  const w = p.next();
  if (w.k !== "while" && w.k !== "until") throw p.err("MissingToken", "expecting 'while' or 'until'", w);
  const cond = parseExpr(p, lvl);
  return p.node("do", t, { body, cond, until: w.k === "until" });
}

export function parseFor(p: Parser, lvl: number): For {
  const t = p.expect("for");
  checkLooping(p, t);
  let nameTok: ReturnType<Parser["next"]>;
  let counterTok: ReturnType<Parser["next"]> | null = null;
  if (p.eat("(")) {
    nameTok = varName(p);
    p.expect(",");
    counterTok = varName(p);
    p.expect(")");
  } else nameTok = varName(p);
  if (counterTok && counterTok.v === nameTok.v)
    throw p.err("DuplicatedVariable", `duplicated variable '${nameTok.v}'`, counterTok);
  p.expect("in", "after the iteration variable");
  const iter = parseExpr(p, lvl);
  p.pushBlock();
  const decl = p.declare(nameTok.v, false, nameTok);
  const counter = counterTok ? p.declare(counterTok.v, false, counterTok) : null;
  const body = loopBody(p, lvl);
  p.popBlock();
  return p.node("for", t, { decl, counter, iter, body });
}

function parseLet(p: Parser, lvl: number, isConst: boolean): Let {
  const t = p.next();
  const nameTok = varName(p);
  let init: Expr | null = null;
  if (p.eat("=")) init = parseExpr(p, lvl);
  const decl = p.declare(nameTok.v, isConst, nameTok);
  if (p.fn.kind === "top" && p.fn.blocks.length === 1) p.topDecls.push(decl);
  return p.node("let", t, { decl, init, isConst, top: p.fn.kind === "top" && p.fn.blocks.length === 1 });
}

function endsStmt(p: Parser): boolean {
  const k = p.peek().k;
  return k === ";" || k === "}" || k === "eof" || k === "," || k === ")" || k === "]" || k === "=>";
}

const ASSIGN_OPS = new Set(["=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^="]);

function rootVar(n: Expr): Expr | null {
  while (n.t === "prop" || n.t === "index") n = n.obj;
  return n.t === "var" || n.t === "gvar" || n.t === "this" ? n : null;
}

function isPlace(n: Expr): n is Place {
  return n.t === "var" || n.t === "gvar" || n.t === "this" || n.t === "prop" || n.t === "index";
}

function parseExprStmt(p: Parser, lvl: number): Node {
  const e = parseExpr(p, lvl);
  const t = p.peek();
  if (!ASSIGN_OPS.has(t.k)) return e;
  if (p.cfg.expressionOnly) throw p.err("BadInput", "assignments are not allowed in expressions", t);
  p.next();
  const root = rootVar(e);
  if (e.t === "lit" || e.t === "interp" || e.t === "nsvar")
    throw p.err("AssignmentToConstant", "cannot assign to a constant value", e);
  if (!root || !isPlace(e)) throw p.err("AssignmentToInvalidLHS", "cannot assign to this expression", t);
  if (root.t === "var" && root.decl.isConst)
    throw p.err("AssignmentToConstant", `cannot assign to constant '${root.name}'`, e);
  const value = parseExpr(p, lvl);
  return p.node("assign", t, { target: e, op: t.k === "=" ? null : t.k.slice(0, -1), value });
}

/** One statement. */
export function parseStmt(p: Parser, lvl: number, top: boolean): Node {
  const t = p.peek();
  if (p.cfg.expressionOnly && t.k !== "if" && t.k !== "switch") {
    if (
      [
        "let",
        "const",
        "while",
        "loop",
        "do",
        "for",
        "fn",
        "return",
        "throw",
        "break",
        "continue",
        "try",
        "import",
        "export",
        "{",
      ].includes(t.k)
    )
      throw p.err("BadInput", `'${t.k}' is not allowed in an expression`, t);
  }
  lvl = p.up(lvl, t);
  switch (t.k) {
    case "let":
    case "const":
      return parseLet(p, lvl, t.k === "const");
    case "{":
      return parseBlock(p, lvl);
    case "if":
      return parseIf(p, lvl);
    case "switch":
      return parseSwitch(p, lvl);
    case "while":
      return parseWhile(p, lvl);
    case "loop":
      return parseLoop(p, lvl);
    case "do":
      return parseDo(p, lvl);
    case "for":
      return parseFor(p, lvl);
    case "try":
      return parseTry(p, lvl);
    case "fn":
    case "private":
      if (!top || p.fn.kind !== "top" || p.fn.blocks.length !== 1)
        throw p.err("WrongFnDefinition", "functions can only be defined at global level", t);
      parseFnDef(p, lvl);
      return p.node("fndef", t, {});
    case "break":
    case "continue": {
      p.next();
      if (p.fn.loops === 0) throw p.err("LoopBreak", `'${t.k}' outside a loop`, t);
      if (t.k === "continue") return p.node("continue", t, {});
      const e = endsStmt(p) ? null : parseExpr(p, lvl);
      return p.node("break", t, { e });
    }
    case "return":
    case "throw": {
      p.next();
      const e = endsStmt(p) ? null : parseExpr(p, lvl);
      return t.k === "return" ? p.node("return", t, { e }) : p.node("throw", t, { e });
    }
    case "import": {
      p.next();
      const path = parseExpr(p, lvl);
      let alias: string | null = null;
      if (p.eat("as")) {
        alias = varName(p).v;
        p.imports.add(alias);
      }
      return p.node("import", t, { path, alias });
    }
    case "export": {
      p.next();
      if (p.fn.kind !== "top" || p.fn.blocks.length !== 1)
        throw p.err("WrongExport", "export can only be used at global level", t);
      if (p.is("let") || p.is("const")) return parseLet(p, lvl, p.peek().k === "const");
      varName(p);
      if (p.eat("as")) varName(p);
      return p.node("noop", t, {});
    }
    default:
      return parseExprStmt(p, lvl);
  }
}
