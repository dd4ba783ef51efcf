/**
 * Tokens: their shape and Rhai's token tables: keywords, reserved words and symbols (Rhai's `tokenizer.rs` and
 * `tools/reserved.txt`). Built once from constant lists; read-only.
 */

/**
 * A token. `k` is the kind: "int" | "float" | "str" | "char" | "interp" | "id" | "eof" | "reserved"
 * or the keyword / symbol itself ("let", "+=", "#{", …). Positions are 1-based line/column.
 */
export interface Token {
  k: string;
  /** The text: the word or symbol, the content of a string or char, a number in decimal, an interpolated string's source. */
  v: string;
  /** The value of an "int" or "float" token (0 otherwise). */
  num: number | bigint;
  /** The parts of an "interp" token (null otherwise). */
  parts: InterpPart[] | null;
  line: number;
  col: number;
  /** Offset just after the token (for interpolation ends and `!in`). */
  end: number;
  /** Whether a newline precedes this token. */
  nl: boolean;
}

/** One part of a backtick string: literal text or the tokens of an embedded `${…}` block. */
export type InterpPart = string | Token[];

/** Builds a token (one shape for every token, so property access stays monomorphic). */
export function mk(k: string, v: string, line: number, col: number, end: number, nl = false): Token {
  return { k, v, num: 0, parts: null, line, col, end, nl };
}

/** An "int" or "float" token. */
export function mkNum(
  k: "int" | "float",
  num: number | bigint,
  line: number,
  col: number,
  end: number,
): Token {
  return { k, v: String(num), num, parts: null, line, col, end, nl: false };
}

const KEYWORDS: readonly string[] = [
  "true",
  "false",
  "let",
  "const",
  "if",
  "else",
  "switch",
  "do",
  "while",
  "until",
  "loop",
  "for",
  "in",
  "break",
  "continue",
  "return",
  "throw",
  "try",
  "catch",
  "fn",
  "private",
  "import",
  "export",
  "as",
  "global",
  "this",
];

/** Words that cannot be identifiers (Rhai's reserved list). */
const RESERVED_WORDS: readonly string[] = [
  "var",
  "static",
  "shared",
  "goto",
  "match",
  "case",
  "public",
  "protected",
  "new",
  "use",
  "with",
  "module",
  "package",
  "super",
  "spawn",
  "thread",
  "go",
  "sync",
  "async",
  "await",
  "yield",
  "default",
  "void",
  "null",
  "nil",
  "is",
];

const SYMBOLS3: readonly string[] = ["...", "..=", "<<=", ">>=", "**=", "===", "!==", "::<"];
const SYMBOLS2: readonly string[] = [
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "<<",
  ">>",
  "**",
  "..",
  "=>",
  "::",
  "??",
  "?.",
  "?[",
  "->",
  "<-",
  "|>",
  "<|",
  "++",
  "--",
  ":=",
  "#{",
  "!.",
  "#!",
  "(*",
  "*)",
  ":;",
];
/** Symbols Rhai reserves (lexed as "reserved"). */
export const RESERVED_SYMBOLS: ReadonlySet<string> = new Set([
  "===",
  "!==",
  "::<",
  "->",
  "<-",
  "|>",
  "<|",
  "++",
  "--",
  ":=",
  "!.",
  "#!",
  "(*",
  "*)",
  ":;",
  "...",
  "#",
  "@",
  "$",
  "~",
  "?",
]);
const SYMBOLS1 = "+-*/%=<>!&|^()[]{},;:.?#@$~";
/** Kind of a word token: the keyword itself, "reserved", or absent for identifiers. */
export const WORD_KIND: ReadonlyMap<string, string> = new Map([
  ...RESERVED_WORDS.map((w): [string, string] => [w, "reserved"]),
  ...KEYWORDS.map((w): [string, string] => [w, w]),
]);

/** Symbols indexed by the char code of their first character, longest first. */
export const SYMBOLS_BY_CODE: readonly (readonly string[] | undefined)[] = symbolsByCode();

function symbolsByCode(): (readonly string[] | undefined)[] {
  const out: string[][] = [];
  for (const sym of [...SYMBOLS3, ...SYMBOLS2, ...SYMBOLS1.split("")]) {
    const code = sym.charCodeAt(0);
    const list = out[code] ?? [];
    list.push(sym);
    out[code] = list;
  }
  return out;
}
