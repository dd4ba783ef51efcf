import type { Node, ParsedScript } from "./ast.js";
import { unknownNode } from "./ast.js";

/** One call written in a script: `name(…)`, `ns::name(…)` or `value.name(…)`, where it is. */
export interface ScriptCall {
  readonly kind: "fn" | "method";
  readonly name: string;
  /** `ns` of `ns::name(…)`; null otherwise. */
  readonly ns: string | null;
  /** Arguments written (a method call's receiver not counted). */
  readonly args: number;
  readonly line: number;
  readonly col: number;
}

/**
 * Every function and method call written in a parsed script, in source order: the top level, each
 * `fn` body and each closure. What is written, not what runs: calls through function pointers
 * (`Fn("name")`, `call`, `curry`) and property reads are not calls here.
 */
export function scriptCalls(ast: ParsedScript): ScriptCall[] {
  const out: ScriptCall[] = [];
  const walk = (n: Node | null | undefined): void => {
    if (n === null || n === undefined) return;
    switch (n.t) {
      case "lit":
      case "var":
      case "gvar":
      case "this":
      case "nsvar":
      case "continue":
      case "noop":
      case "fndef":
        return;
      case "interp":
        for (const p of n.parts) if (typeof p !== "string") walk(p);
        return;
      case "prop":
        walk(n.obj);
        return;
      case "index":
        walk(n.obj);
        walk(n.idx);
        return;
      case "method":
        out.push({ kind: "method", name: n.name, ns: null, args: n.args.length, line: n.line, col: n.col });
        walk(n.obj);
        for (const a of n.args) walk(a);
        return;
      case "call":
        out.push({ kind: "fn", name: n.name, ns: n.ns, args: n.args.length, line: n.line, col: n.col });
        for (const a of n.args) walk(a);
        return;
      case "arr":
        for (const a of n.items) walk(a);
        return;
      case "map":
        for (const [, e] of n.entries) walk(e);
        return;
      case "block":
        for (const s of n.body) walk(s);
        return;
      case "closure":
        walk(n.def.body);
        return;
      case "bin":
      case "and":
      case "or":
      case "coalesce":
      case "range":
        walk(n.l);
        walk(n.r);
        return;
      case "unary":
        walk(n.e);
        return;
      case "if":
        walk(n.cond);
        walk(n.then);
        walk(n.els);
        return;
      case "while":
        walk(n.cond);
        walk(n.body);
        return;
      case "do":
        walk(n.body);
        walk(n.cond);
        return;
      case "for":
        walk(n.iter);
        walk(n.body);
        return;
      case "switch":
        walk(n.item);
        for (const c of [...n.cases, ...n.ranges]) {
          walk(c.guard);
          walk(c.body);
        }
        walk(n.def);
        return;
      case "let":
        walk(n.init);
        return;
      case "assign":
        walk(n.target);
        walk(n.value);
        return;
      case "import":
        walk(n.path);
        return;
      case "try":
        walk(n.body);
        walk(n.handler);
        return;
      case "return":
      case "throw":
      case "break":
        walk(n.e);
        return;
      default:
        unknownNode(n);
    }
  };
  for (const s of ast.body) walk(s);
  for (const f of ast.fns) walk(f.body);
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}
