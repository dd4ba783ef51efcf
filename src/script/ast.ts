/** AST node shapes produced by the parser and consumed by the compiler. */

// biome-ignore lint/suspicious/noExplicitAny: AST payloads are heterogeneous; the compiler switches on `t`
export type Any = any;

/** A node: `t` tag, 1-based position, tag-specific fields. */
export interface Node {
  t: string;
  line: number;
  col: number;
  [field: string]: Any;
}

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

/** A script function definition. */
export interface FnDef {
  name: string;
  params: string[];
  paramDecls: Decl[];
  body: Node;
  info: FnInfo;
  isPrivate: boolean;
  line: number;
  col: number;
  /** Filled by the compiler. */
  compiled?: Any;
}

export interface ParsedScript {
  body: Node[];
  info: FnInfo;
  fns: FnDef[];
  /** Variables declared at the top level of the script (what `eval` leaks into its caller). */
  topDecls: Decl[];
  /** Names of top-level constants (for `global::NAME`). */
}
