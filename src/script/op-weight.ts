import type { Node } from "./ast.js";

/**
 * Operations a statement or expression costs when evaluated, as Rhai counts them (one per statement and
 * one per expression node evaluated). Parts evaluated conditionally or repeatedly (branches, loop bodies,
 * short-circuit right sides, blocks) count themselves when they run.
 */
export function weight(n: Node | null | undefined): number {
  if (!n) return 0;
  switch (n.t) {
    case "lit":
    case "var":
    case "gvar":
    case "this":
    case "nsvar":
    case "interp":
    case "closure":
    case "block":
    case "while":
    case "do":
    case "for":
    case "try":
    case "noop":
    case "fndef":
    case "continue":
      return 1;
    case "bin":
    case "range":
      return 1 + weight(n.l) + weight(n.r);
    case "and":
    case "or":
    case "coalesce":
      return 1 + weight(n.l);
    case "unary":
      return 1 + weight(n.e);
    case "arr":
      return 1 + n.items.reduce((s: number, x: Node) => s + weight(x), 0);
    case "map":
      return 1 + n.entries.reduce((s: number, e: [string, Node]) => s + weight(e[1]), 0);
    case "prop":
      return 1 + weight(n.obj);
    case "index":
      return 1 + weight(n.obj) + weight(n.idx);
    case "call":
      return 1 + n.args.reduce((s: number, x: Node) => s + weight(x), 0);
    case "method":
      return 1 + weight(n.obj) + n.args.reduce((s: number, x: Node) => s + weight(x), 0);
    case "if":
      return 1 + weight(n.cond);
    case "switch":
      return 1 + weight(n.item);
    case "let":
      return 1 + weight(n.init);
    case "assign":
      return 1 + weight(n.target) + weight(n.value);
    case "return":
    case "throw":
    case "break":
      return 1 + weight(n.e);
    default:
      return 1;
  }
}

const STATEMENTS = new Set([
  "let",
  "assign",
  "return",
  "throw",
  "break",
  "continue",
  "noop",
  "fndef",
  "import",
]);

/** Cost of a statement: one for the statement plus its expression nodes. */
export function stmtWeight(n: Node): number {
  return STATEMENTS.has(n.t) ? weight(n) : 1 + weight(n);
}
