import type { At, Decl, FnDef, FnInfo, Node, NodeOf, ParsedScript, ScriptFnDef } from "./ast.js";
import { RhaiError } from "./errors.js";
import type { Lexer } from "./lexer.js";
import { HARD_MAX_EXPR_DEPTH } from "./limits.js";
import type { EngineOptions } from "./options.js";
import { parseStatements } from "./parse-stmt.js";
import { mk, type Token } from "./tokens.js";

/** Per-function parse context: block scopes for name resolution, loop nesting. */
export interface FnCtx {
  info: FnInfo;
  /** The function's outermost block scope (`blocks[0]`). */
  root: Map<string, Decl>;
  /** Block scopes, innermost last. */
  blocks: Map<string, Decl>[];
  parent: FnCtx | null;
  kind: "top" | "fn" | "closure";
  loops: number;
}

/** What the parser reads when it has no tokens at all (a token list always ends with EOF). */
const NO_TOKENS: Token = Object.freeze(mk("eof", "", 1, 1, 0));

export interface ParserConfig {
  options: EngineOptions;
  maxExprDepth: number;
  maxFunctionExprDepth: number;
  maxFunctions: number;
  /** Names known from the host scope (for strict variables). */
  scopeNames: ReadonlySet<string>;
  /** Names of registered static modules. */
  modules: ReadonlySet<string>;
  disabled: ReadonlySet<string>;
  /** Literal size caps (`ParseError:LiteralTooLarge`); 0 = none. */
  maxArraySize?: number;
  maxMapSize?: number;
  /** Expression-only mode (`eval_expression`). */
  expressionOnly: boolean;
}

export class Parser {
  i = 0;
  /** Inside switch case values: `|` separates alternatives. */
  noPipe = false;
  fns: ScriptFnDef[] = [];
  /** Closures parsed so far (for `get_fn_metadata_list`). */
  closures: FnDef[] = [];
  /** `name/arity` of every script function defined so far. */
  fnKeys = new Set<string>();
  /** Aliases of `import … as name` seen so far (known module names for strict variables). */
  imports = new Set<string>();
  topDecls: Decl[] = [];
  fn: FnCtx;
  maxDepth: number;
  /** On-demand token source for `toks` (null while parsing a pre-lexed interpolation). */
  lexer: Lexer | null = null;

  constructor(
    public toks: Token[],
    readonly cfg: ParserConfig,
  ) {
    this.fn = this.newFn("top", null);
    const d = cfg.maxExprDepth;
    this.maxDepth = d > 0 ? Math.min(d, HARD_MAX_EXPR_DEPTH) : HARD_MAX_EXPR_DEPTH;
  }

  newFn(kind: FnCtx["kind"], parent: FnCtx | null): FnCtx {
    const root = new Map<string, Decl>();
    return {
      info: { decls: [], captures: [], hasThis: false },
      root,
      blocks: [root],
      parent,
      kind,
      loops: 0,
    };
  }

  get opts(): EngineOptions {
    return this.cfg.options;
  }

  /** On-demand mode: the last 16 tokens, indexed by `i & 15`; `filled` tokens lexed so far. */
  private readonly ring: Token[] = new Array(16);
  private filled = 0;

  /** Token at index `j` (lexing on demand; EOF repeats). */
  private at(j: number): Token {
    const lx = this.lexer;
    if (!lx) {
      const toks = this.toks;
      return toks[j] ?? toks[toks.length - 1] ?? NO_TOKENS;
    }
    const ring = this.ring;
    while (this.filled <= j) {
      if (this.filled > 0) {
        const last = ring[(this.filled - 1) & 15];
        if (last?.k === "eof") return last;
      }
      ring[this.filled & 15] = lx.nextToken();
      this.filled++;
    }
    return ring[j & 15] ?? NO_TOKENS;
  }
  peek(): Token {
    return this.at(this.i);
  }
  peekAt(n: number): Token {
    return this.at(this.i + n);
  }
  /** The token just consumed. */
  prev(): Token {
    return this.at(this.i - 1);
  }
  next(): Token {
    const t = this.at(this.i);
    if (t.k !== "eof") this.i++;
    return t;
  }
  is(k: string): boolean {
    return this.peek().k === k;
  }
  eat(k: string): boolean {
    if (this.peek().k === k) {
      this.i++;
      return true;
    }
    return false;
  }
  expect(k: string, what?: string): Token {
    const t = this.peek();
    if (t.k !== k) {
      if (t.k === "eof" && k !== ";")
        throw this.err("MissingToken", `expecting '${k}'${what ? ` ${what}` : ""}`, t);
      throw this.err(
        "MissingToken",
        `expecting '${k}'${what ? ` ${what}` : ""} but found '${t.k === "eof" ? t.k : t.v}'`,
        t,
      );
    }
    return this.next();
  }

  err(kind: string, msg: string, at?: { line: number; col: number }): RhaiError {
    const t = at ?? this.peek();
    return new RhaiError(`ParseError:${kind}`, msg, { position: { line: t.line, column: t.col } });
  }

  /** Increments the expression level, failing with ExprTooDeep beyond the limit. */
  up(lvl: number, at?: { line: number; col: number }): number {
    const max = this.fn.kind === "top" ? this.maxDepth : this.fnMaxDepth();
    if (lvl >= max) throw this.err("ExprTooDeep", "expression exceeds maximum complexity", at);
    return lvl + 1;
  }
  private fnMaxDepth(): number {
    const d = this.cfg.maxFunctionExprDepth;
    return d > 0 ? Math.min(d, HARD_MAX_EXPR_DEPTH) : HARD_MAX_EXPR_DEPTH;
  }

  /** Builds the node with tag `t` at a position. */
  node<K extends Node["t"]>(t: K, at: At, fields: Omit<NodeOf<K>, "t" | "line" | "col">): NodeOf<K> {
    // completed in place (no copy per node): with its tag and position, `fields` is the node of kind K
    const n = fields as Omit<NodeOf<K>, "t" | "line" | "col"> & At & { t: K };
    n.t = t;
    n.line = at.line;
    n.col = at.col;
    return n as NodeOf<K>;
  }

  // ---- scopes ----
  pushBlock(): void {
    this.fn.blocks.push(new Map());
  }
  popBlock(): void {
    this.fn.blocks.pop();
  }
  declare(name: string, isConst: boolean, at: Token): Decl {
    const blocks = this.fn.blocks;
    if (!this.opts.allowShadowing) {
      const existing = this.lookupLocal(this.fn, name);
      if (existing || this.cfg.scopeNames.has(name))
        throw this.err("VariableExists", `variable '${name}' already defined`, at);
    }
    const d: Decl = { name, slot: this.fn.info.decls.length, isConst, captured: false };
    this.fn.info.decls.push(d);
    (blocks[blocks.length - 1] ?? this.fn.root).set(name, d);
    return d;
  }
  private lookupLocal(fn: FnCtx, name: string): Decl | null {
    for (let b = fn.blocks.length - 1; b >= 0; b--) {
      const d = fn.blocks[b]?.get(name);
      if (d) return d;
    }
    return null;
  }
  /** Resolves a variable name lexically, capturing through closures. */
  resolve(name: string, fn: FnCtx = this.fn): Decl | null {
    const d = this.lookupLocal(fn, name);
    if (d) return d;
    if (fn.kind === "closure" && fn.parent) {
      const outer = this.resolve(name, fn.parent);
      if (!outer) return null;
      outer.captured = true;
      const inner: Decl = { name, slot: fn.info.decls.length, isConst: outer.isConst, captured: true };
      fn.info.decls.push(inner);
      fn.info.captures.push({ outer, inner });
      fn.root.set(name, inner);
      return inner;
    }
    return null;
  }
  /** Every name visible here (for `is_def_var`). */
  visibleNames(): Map<string, Decl> {
    const out = new Map<string, Decl>();
    let fn: FnCtx | null = this.fn;
    while (fn) {
      for (const block of [...fn.blocks].reverse()) {
        for (const k of block.keys()) {
          const d = out.has(k) ? null : this.resolve(k);
          if (d) out.set(k, d);
        }
      }
      fn = fn.kind === "closure" ? fn.parent : null;
    }
    return out;
  }
}

/** Parses a whole script. Throws RhaiError (`ParseError:*`). With a lexer, tokens are read on demand. */
export function parseScript(toks: Token[], cfg: ParserConfig, lexer: Lexer | null = null): ParsedScript {
  const p = new Parser(toks, cfg);
  p.lexer = lexer;
  const body = parseStatements(p, 0, true);
  if (!p.is("eof")) throw p.err("UnexpectedInput", `unexpected '${p.peek().v}'`);
  return { body, info: p.fn.info, fns: p.fns, closures: p.closures, topDecls: p.topDecls };
}
