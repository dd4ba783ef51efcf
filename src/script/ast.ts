/**
 * AST node shapes produced by the parser and consumed by the compiler: a discriminated union on `t`.
 * Every node carries its 1-based source position (`line`, `col`).
 */
import { RhaiError } from "./errors.js";
import type { RChar, RFloat, RRange, Value } from "./values.js";

/** A 1-based source position. */
export interface At {
  line: number;
  col: number;
}

/** The value of a literal (what the lexer and constant folding produce). */
export type LitValue = undefined | boolean | number | bigint | string | RFloat | RChar;

// ---- expressions ----

export interface Lit extends At {
  t: "lit";
  v: LitValue;
}
/** A backtick string with `${…}` blocks. */
export interface Interp extends At {
  t: "interp";
  parts: (string | Block)[];
}
/** A variable declared in this script (resolved to a frame slot). */
export interface Var extends At {
  t: "var";
  decl: Decl;
  name: string;
}
/** A name not declared in the script: the host scope, a caller's variable (`foo!()`), a function name. */
export interface GVar extends At {
  t: "gvar";
  name: string;
  /** Strict variables: the name must be known when compiling. */
  strict: boolean;
}
export interface This extends At {
  t: "this";
}
/** `ns::name` (a module constant or `global::NAME`). */
export interface NsVar extends At {
  t: "nsvar";
  ns: string;
  name: string;
}
export interface Prop extends At {
  t: "prop";
  obj: Expr;
  name: string;
  /** `?.` */
  safe: boolean;
}
export interface Index extends At {
  t: "index";
  obj: Expr;
  idx: Expr;
  /** `?[` */
  safe: boolean;
}
export interface Method extends At {
  t: "method";
  obj: Expr;
  name: string;
  args: Expr[];
  safe: boolean;
}
export interface Call extends At {
  t: "call";
  name: string;
  /** `ns::f(…)`; null for a plain call. */
  ns: string | null;
  args: Expr[];
  /** `f!(…)`: the function sees the caller's variables. */
  bang: boolean;
  /** Variables visible at the call (for `f!(…)`, `is_def_var`, `eval`). */
  visible: Map<string, Decl> | null;
  /** Names declared in the innermost block (for `eval`). */
  blockNames: Set<string> | null;
}
export interface Arr extends At {
  t: "arr";
  items: Expr[];
}
export interface MapLit extends At {
  t: "map";
  entries: [string, Expr][];
}
/** `{ … }`: a scoped statement block. */
export interface Block extends At {
  t: "block";
  body: Node[];
}
export interface Closure extends At {
  t: "closure";
  def: FnDef;
}
export interface Bin extends At {
  t: "bin";
  op: string;
  l: Expr;
  r: Expr;
}
export interface Unary extends At {
  t: "unary";
  op: "-" | "+" | "!";
  e: Expr;
}
export interface And extends At {
  t: "and";
  l: Expr;
  r: Expr;
}
export interface Or extends At {
  t: "or";
  l: Expr;
  r: Expr;
}
/** `l ?? r` */
export interface Coalesce extends At {
  t: "coalesce";
  l: Expr;
  r: Expr;
}
export interface Range extends At {
  t: "range";
  l: Expr;
  /** `lit ()` for an open end. */
  r: Expr;
  inclusive: boolean;
}
export interface If extends At {
  t: "if";
  cond: Expr;
  then: Block;
  els: Block | If | null;
}
/** `while cond { … }`, or `loop { … }` (cond null). */
export interface While extends At {
  t: "while";
  cond: Expr | null;
  body: Block;
}
export interface Do extends At {
  t: "do";
  body: Block;
  cond: Expr;
  until: boolean;
}
export interface For extends At {
  t: "for";
  decl: Decl;
  counter: Decl | null;
  iter: Expr;
  body: Block;
}
export interface SwitchCase {
  values: Value[];
  guard: Expr | null;
  body: Node;
}
export interface SwitchRange {
  range: RRange;
  guard: Expr | null;
  body: Node;
}
export interface Switch extends At {
  t: "switch";
  item: Expr;
  cases: SwitchCase[];
  ranges: SwitchRange[];
  def: Node | null;
}

// ---- statements ----

export interface Let extends At {
  t: "let";
  decl: Decl;
  init: Expr | null;
  isConst: boolean;
  /** Declared at the script's top level (constants become `global::NAME`). */
  top: boolean;
}
/** An assignable place. */
export type Place = Var | GVar | This | Prop | Index;
export interface Assign extends At {
  t: "assign";
  target: Place;
  /** The binary operator of `op=`; null for `=`. */
  op: string | null;
  value: Expr;
}
export interface Import extends At {
  t: "import";
  path: Expr;
  alias: string | null;
}
export interface Try extends At {
  t: "try";
  body: Block;
  decl: Decl | null;
  handler: Block;
}
export interface Return extends At {
  t: "return";
  e: Expr | null;
}
export interface Throw extends At {
  t: "throw";
  e: Expr | null;
}
export interface Break extends At {
  t: "break";
  e: Expr | null;
}
export interface Continue extends At {
  t: "continue";
}
/** `export x` (nothing to run). */
export interface Noop extends At {
  t: "noop";
}
/** A function definition's place among the statements (the definition itself is in `ParsedScript.fns`). */
export interface FnDefStmt extends At {
  t: "fndef";
}

/** Reads of variables, `this`, namespaced constants, properties and indexes. */
export type AccessExpr = Var | GVar | This | NsVar | Prop | Index;
/** Operators. */
export type OpExpr = Bin | Unary | And | Or | Coalesce | Range;
/** Control flow with a value. */
export type FlowExpr = If | While | Do | For | Switch;
/** What `parseExpr` returns. */
export type Expr =
  | Lit
  | Interp
  | AccessExpr
  | Method
  | Call
  | Arr
  | MapLit
  | Block
  | Closure
  | OpExpr
  | FlowExpr;
/** Jumps and `try`, compiled with the control flow. */
export type FlowStmt = Try | Return | Throw | Break | Continue;
export type Stmt = Let | Assign | Import | Noop | FnDefStmt | FlowStmt;
/** Anything a statement position holds. */
export type Node = Expr | Stmt;
/** The node with tag `K`. */
export type NodeOf<K extends Node["t"]> = Extract<Node, { t: K }>;

/** A declared variable: one slot in its function's frame. */
export interface Decl {
  name: string;
  slot: number;
  isConst: boolean;
  /** Captured by a closure: stored in a shared Cell. */
  captured: boolean;
}

/** A function body scope (script fn, closure, or the top level). */
export interface FnInfo {
  decls: Decl[];
  /** For closures: captured outer decls and the local decl holding each cell. */
  captures: { outer: Decl; inner: Decl }[];
  hasThis: boolean;
}

/** A function definition: a script `fn` (body a block) or a closure (body one statement). */
export interface FnDef<B extends Node = Node> {
  name: string;
  params: string[];
  paramDecls: Decl[];
  body: B;
  info: FnInfo;
  isPrivate: boolean;
  /** `fn Type.name(…)`: a method only for values whose `type_of` is this (Rhai's typed methods). */
  thisType: string | null;
  line: number;
  col: number;
}

/** A script `fn` definition. */
export type ScriptFnDef = FnDef<Block>;

export interface ParsedScript {
  body: Node[];
  info: FnInfo;
  fns: ScriptFnDef[];
  /** The script's closures (anonymous functions), in source order. */
  closures: FnDef[];
  /** Variables declared at the top level of the script (what `eval` leaks into its caller). */
  topDecls: Decl[];
}

/** The key of a script function: `name/arity`, or `Type.name/arity` for a typed method. */
export function scriptFnKey(name: string, arity: number, thisType: string | null = null): string {
  return thisType === null ? `${name}/${arity}` : `${thisType}.${name}/${arity}`;
}

/** Exhaustiveness guard: a node kind the compiler does not know (the type checker rules it out). */
export function unknownNode(n: never): never {
  throw new RhaiError("ErrorSystem", `cannot compile a node of kind ${String((n as { t?: unknown }).t)}`);
}
