// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Rhai source text, where ${…} is Rhai interpolation
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, toDebug } from "./index.js";
import { tokenize } from "./lexer.js";

/** The token fields these tests read; both the current and the typed (num/parts) token shapes have them. */
interface Tok {
  k: string;
  line: number;
  col: number;
}
/** A token's literal value, whichever shape carries it: `num` for numbers and `parts` for interpolation
 * in the typed shape, `v` otherwise. */
function val(t: Tok): unknown {
  const o = t as unknown as { v?: unknown; num?: unknown; parts?: unknown };
  if ((t.k === "int" || t.k === "float") && o.num !== undefined) return o.num;
  if (t.k === "interp" && o.parts) return o.parts;
  return o.v;
}
const lex = (src: string, max = MAX): Tok[] => tokenize(src, max) as unknown as Tok[];

// Direct tests of the tokenizer against Rhai's src/tokenizer.rs (f1f06ab9): token kinds, literal values,
// 1-based line/column positions (Rhai's Position), and the position of lexical errors. Assertions look
// only at kind / value / position, never at the rest of the token object.

const MAX = 1 << 20;
/** `kind:value@line:col` for every token but EOF. */
function toks(src: string): string[] {
  return lex(src)
    .filter((t) => t.k !== "eof")
    .map(
      (t) =>
        `${t.k}:${typeof val(t) === "object" && val(t) !== null ? "…" : String(val(t))}@${t.line}:${t.col}`,
    );
}
function one(src: string): Tok & { v: unknown } {
  const ts = lex(src).filter((t) => t.k !== "eof");
  assert.equal(ts.length, 1, `${src} → ${ts.length} tokens`);
  const t = ts[0] as Tok;
  return { k: t.k, line: t.line, col: t.col, v: val(t) };
}
const engine = new Engine();
function dbg(src: string): string {
  const r = engine.eval(src);
  if (!r.ok) assert.fail(`${src}\n  → ${r.error.kind}: ${r.error.message}`);
  return toDebug(r.value);
}
/** `kind@line:col` of the error compiling `src`. */
function compileErr(src: string): string {
  const r = engine.compile(src);
  assert.equal(r.ok, false, `${JSON.stringify(src)} should not compile`);
  const e = (r as { error: { kind: string; position: { line: number; column: number } | null } }).error;
  return `${e.kind}@${e.position ? `${e.position.line}:${e.position.column}` : "none"}`;
}

test("lexer: keywords, identifiers, reserved words and symbols", () => {
  assert.deepEqual(toks("let x = fn_1;"), ["let:let@1:1", "id:x@1:5", "=:=@1:7", "id:fn_1@1:9", ";:;@1:13"]);
  assert.deepEqual(
    toks("if else while loop do until for in break continue return throw try catch").map(
      (t) => t.split(":")[0],
    ),
    [
      "if",
      "else",
      "while",
      "loop",
      "do",
      "until",
      "for",
      "in",
      "break",
      "continue",
      "return",
      "throw",
      "try",
      "catch",
    ],
  );
  assert.deepEqual(
    toks("fn private import export as global this switch const true false").map((t) => t.split(":")[0]),
    ["fn", "private", "import", "export", "as", "global", "this", "switch", "const", "true", "false"],
  );
  for (const w of [
    "var",
    "static",
    "goto",
    "match",
    "case",
    "public",
    "new",
    "use",
    "with",
    "module",
    "spawn",
    "go",
    "async",
    "await",
    "yield",
    "default",
    "void",
    "null",
    "nil",
    "is",
  ])
    assert.equal(one(w).k, "reserved", w);
  assert.equal(one("_x9").k, "id");
  // Rhai's default build (Rex's) has ASCII identifiers only (is_id_first_alphabetic without unicode-xid-ident)
  assert.throws(() => tokenize("été", MAX), /BadInput/);
  assert.throws(() => tokenize("xé", MAX), /BadInput/);
  assert.deepEqual(toks("a+=b**=c<<=d>>=e..=f...g"), [
    "id:a@1:1",
    "+=:+=@1:2",
    "id:b@1:4",
    "**=:**=@1:5",
    "id:c@1:8",
    "<<=:<<=@1:9",
    "id:d@1:12",
    ">>=:>>=@1:13",
    "id:e@1:16",
    "..=:..=@1:17",
    "id:f@1:20",
    "reserved:...@1:21",
    "id:g@1:24",
  ]);
  assert.deepEqual(
    toks("a?.b ?? c?[0] !in d :: #{ } => |x|").map((t) => t.split("@")[0]),
    [
      "id:a",
      "?.:?.",
      "id:b",
      "??:??",
      "id:c",
      "?[:?[",
      "int:0",
      "]:]",
      "!in:!in",
      "id:d",
      ":::::",
      "#{:#{",
      "}:}",
      "=>:=>",
      "|:|",
      "id:x",
      "|:|",
    ],
  );
  // `!in` needs a word boundary: `!inside` is `!` then an identifier
  assert.deepEqual(
    toks("!inside").map((t) => t.split("@")[0]),
    ["!:!", "id:inside"],
  );
  for (const s of ["|>", "<|", "++", "--", "#", "@", "$", "~"]) assert.equal(lex(s)[0]?.k, "reserved", s);
  // the TokenIterator turns these reserved symbols into LexError::ImproperSymbol (BadInput)
  for (const s of ["===", "!==", "->", "<-", ":=", ":;", "::<", "(*", "*)", "# {"])
    assert.throws(() => tokenize(`x ${s} y`, MAX), /ImproperSymbol/, s);
});

test("lexer: integers in every radix, with separators, and i64 limits", () => {
  assert.equal(one("0").v, 0);
  assert.equal(one("1_000_000").v, 1000000);
  assert.equal(one("0xff").v, 255);
  assert.equal(one("0XFF").v, 255);
  assert.equal(one("0x_ff_ff").v, 0xffff);
  assert.equal(one("0o17").v, 15);
  assert.equal(one("0O7_7").v, 63);
  assert.equal(one("0b1010").v, 10);
  assert.equal(one("0B1_1").v, 3);
  assert.equal(one("9223372036854775807").v, 9223372036854775807n);
  // hex/octal/binary parse as u64 and wrap into i64 (`v as INT`)
  assert.equal(one("0xffffffffffffffff").v, -1);
  assert.equal(one("0x8000000000000000").v, -9223372036854775808n);
  assert.equal(dbg("-9223372036854775808"), "-9223372036854775808");
  assert.equal(dbg("0b1111111111111111111111111111111111111111111111111111111111111111"), "-1");
  for (const bad of ["0x", "0b", "0o", "0b2", "0o8", "0x1_0000_0000_0000_0000"])
    assert.throws(() => tokenize(bad, MAX), /MalformedNumber/, bad);
});

test("lexer: floats, exponents and the `1.` / `1..` / `1.x` cases", () => {
  assert.equal(one("1.5").k, "float");
  assert.equal(one("1.5").v, 1.5);
  assert.equal(one("1_0.2_5").v, 10.25);
  assert.equal(one("1e3").k, "float");
  assert.equal(one("1e3").v, 1000);
  assert.equal(one("1E3").v, 1000);
  assert.equal(one("2.5e-3").v, 0.0025);
  assert.equal(one("2e+2").v, 200);
  assert.equal(one("0.0").v, 0);
  // a period followed by a symbol still makes a float ("1." → 1.0)
  assert.deepEqual(
    toks("1.)").map((t) => t.split("@")[0]),
    ["float:1", "):)"],
  );
  // `..` is the range operator, and `1.x` is a property access on 1
  assert.deepEqual(
    toks("1..3").map((t) => t.split("@")[0]),
    ["int:1", "..:..", "int:3"],
  );
  assert.deepEqual(
    toks("1..=3").map((t) => t.split("@")[0]),
    ["int:1", "..=:..=", "int:3"],
  );
  assert.deepEqual(
    toks("1.abs").map((t) => t.split("@")[0]),
    ["int:1", ".:.", "id:abs"],
  );
  assert.deepEqual(
    toks("1.e5").map((t) => t.split("@")[0]),
    ["int:1", ".:.", "id:e5"],
  );
  assert.equal(dbg("1.5e2"), "150.0");
  assert.equal(dbg("type_of(1e2)"), '"f64"');
  assert.equal(dbg("type_of(100)"), '"i64"');
  assert.throws(() => tokenize("1e+", MAX), /MalformedNumber/);
});

test("lexer: strings with every escape Rhai knows, doubled quotes and line continuation", () => {
  assert.equal(one('"a\\nb\\rc\\td\\\\e\\"f"').v, 'a\nb\rc\td\\e"f');
  assert.equal(one('"\\x41\\u00e9\\U0001F600"').v, "Aé😀");
  assert.equal(one('"say ""hi"""').v, 'say "hi"');
  assert.equal(one('""').v, "");
  assert.equal(one('"é😀"').v, "é😀");
  // `\` at the end of a line continues the string, skipping indentation up to the opening quote's column
  assert.equal(one('"abc\\\n    def"').v, "abc   def");
  assert.equal(dbg('let s = "ab\\\n         cd"; s'), '"abcd"');
  assert.equal(one("'x'").k, "char");
  assert.equal(one("'x'").v, "x");
  assert.equal(one("'\\''").v, "'");
  assert.equal(one("'\\n'").v, "\n");
  assert.equal(one("'\\u0041'").v, "A");
  assert.equal(one("'😀'").v, "😀");
  // raw strings: no escapes, any number of #s
  assert.equal(one('#"a\\nb"#').v, "a\\nb");
  assert.equal(one('##"say "#hi"#"##').v, 'say "#hi"#');
  assert.equal(dbg('#"x\\y"#.len()'), "3");
});

test("lexer: malformed strings, chars and escapes", () => {
  for (const [src, what] of [
    ['"abc', "UnterminatedString"],
    ['"ab\ncd"', "UnterminatedString"],
    ['"\\q"', "MalformedEscapeSequence"],
    ['"\\x4g"', "MalformedEscapeSequence"],
    ['"\\x4"', "MalformedEscapeSequence"],
    ['"\\u12"', "MalformedEscapeSequence"],
    ['"\\uD800"', "MalformedEscapeSequence"],
    ['"\\U00110000"', "MalformedEscapeSequence"],
    ['"\\\'"', "MalformedEscapeSequence"],
    ["'\\\"'", "MalformedEscapeSequence"],
    ["''", "MalformedChar"],
    ["'ab'", "MalformedChar"],
    ["'a", "MalformedChar"],
    ['#"abc', "UnterminatedString"],
    ["`abc", "UnterminatedString"],
  ] as const)
    assert.throws(() => tokenize(src, MAX), new RegExp(what), src);
  // every lexical error is ParseError:BadInput (Rhai maps LexError to BadInput), at the literal's start
  assert.equal(compileErr('let x = "abc'), "ParseError:BadInput@1:9");
  assert.equal(compileErr("let x = 1;\n  let c = 'ab';"), "ParseError:BadInput@2:11");
  assert.equal(compileErr("x + 0x"), "ParseError:BadInput@1:5");
  assert.equal(compileErr("  /* open"), "ParseError:BadInput@1:3");
  // string literal over max_string_size
  assert.throws(() => tokenize('"abcdef"', 5), /LiteralTooLarge/);
  assert.equal(one('"abcde"').v, "abcde");
});

test("lexer: backtick strings (verbatim, multi-line, interpolation)", () => {
  // no escapes inside backticks; a newline right after the opening backtick is skipped
  assert.equal(one("`a\\nb`").v, "a\\nb");
  assert.equal(one("`\nline1\nline2`").v, "line1\nline2");
  assert.equal(one("`a``b`").v, "a`b");
  assert.equal(one("`cost: \\${x}`").v, "cost: ${x}");
  const t = one("`a${x + 1}b${ #{k: 1}.k }`");
  assert.equal(t.k, "interp");
  const parts = t.v as (string | Tok[])[];
  assert.equal(parts.length, 4);
  assert.equal(parts[0], "a");
  assert.deepEqual(
    (parts[1] as Tok[]).filter((x) => x.k !== "eof").map((x) => `${x.k}@${x.line}:${x.col}`),
    ["id@1:5", "+@1:7", "int@1:9"],
  );
  assert.equal(parts[2], "b");
  assert.deepEqual(
    (parts[3] as Tok[]).filter((x) => x.k !== "eof").map((x) => x.k),
    ["#{", "id", ":", "int", "}", ".", "id"],
  );
  assert.equal(dbg("let x = 41; `a${x + 1}b${ #{k: 1}.k }`"), '"a42b1"');
  assert.equal(dbg("`${1}${2}`"), '"12"');
  assert.equal(dbg("let n = 2; `n=${ `inner ${n * 2}` }`"), '"n=inner 4"');
  assert.throws(() => tokenize("`a${x", MAX), /UnexpectedEOF|Unterminated/);
});

test("lexer: comments (line, nested block, doc comments, shebang) and positions across lines", () => {
  assert.deepEqual(toks("1 // two\n3"), ["int:1@1:1", "int:3@2:1"]);
  assert.deepEqual(toks("1 /* a /* nested */ still comment */ 2"), ["int:1@1:1", "int:2@1:38"]);
  assert.deepEqual(toks("/* line\n  two\n*/ x"), ["id:x@3:4"]);
  assert.deepEqual(toks("/// doc comment\n/** block doc */\nlet x"), ["let:let@3:1", "id:x@3:5"]);
  assert.deepEqual(toks("//! module doc\nx"), ["id:x@2:1"]);
  assert.deepEqual(toks("#!/usr/bin/env rhai\nx"), ["id:x@2:1"]);
  assert.equal(dbg("/// adds one\nfn inc(x) { x + 1 } /** twice */ inc(inc(1))"), "3");
  assert.throws(() => tokenize("/* /* */", MAX), /UnterminatedComment/);
  // tabs and CRLF: a tab is one column, \r is whitespace
  assert.deepEqual(toks("\tx\r\n  y"), ["id:x@1:2", "id:y@2:3"]);
  // a token after a multi-line string sits on the string's last line
  assert.deepEqual(
    toks('"a\\\n b" z').map((t) => t.split("@")[1]),
    ["1:1", "2:5"],
  );
  assert.deepEqual(
    toks("`a\nbc` z").map((t) => t.split("@")[1]),
    ["1:1", "2:5"],
  );
  assert.deepEqual(
    toks('#"a\nbc"# z').map((t) => t.split("@")[1]),
    ["1:1", "2:6"],
  );
  // a control character is not a token: BadInput at its position
  assert.throws(() => tokenize("\u0001", MAX), /BadInput/);
  assert.equal(compileErr("let x = 1;\nx \u0001 2"), "ParseError:BadInput@2:3");
});

// tokenizer.rs parse_string_literal: `\0` is an unknown escape
test("lexer: Rhai has no \\0 escape", () => {
  assert.throws(() => tokenize('"\\0"', MAX), /MalformedEscapeSequence/);
  assert.throws(() => tokenize("'\\0'", MAX), /MalformedEscapeSequence/);
});
// tokenizer.rs: INT::from_str fails, then FloatWrapper::from_str; only a `-` glued to the digits in
// unary position makes 9223372036854775808 the integer i64::MIN
test("lexer: an integer literal beyond i64 is a float", () => {
  assert.equal(dbg("99999999999999999999"), "1e20");
  assert.equal(dbg("-99999999999999999999"), "-1e20");
  assert.equal(dbg("type_of(9223372036854775808)"), '"f64"');
  assert.equal(dbg("type_of(-9223372036854775808)"), '"i64"');
  assert.equal(dbg("type_of(- 9223372036854775808)"), '"f64"');
  assert.equal(dbg("let x = 1; type_of(x -9223372036854775808)"), '"f64"');
  assert.equal(one("1_0000_0000_0000_0000_0000").k, "float");
});
// Position::advance runs once per char
test("lexer: columns count characters, not UTF-16 units", () => {
  assert.deepEqual(
    toks('"😀" x').map((t) => t.split("@")[1]),
    ["1:1", "1:5"],
  );
  assert.deepEqual(
    toks('"😀😀" x\n"😀" y').map((t) => t.split("@")[1]),
    ["1:1", "1:6", "2:1", "2:5"],
  );
  assert.equal(compileErr('let s = "😀😀"; /* 😀 */ s \u0001'), "ParseError:BadInput@1:25");
});
// parse_string_literal returns the position of the character that breaks the escape
test("lexer: a malformed escape is reported at the escape, not at the string start", () => {
  assert.equal(compileErr('"ab\\q"'), "ParseError:BadInput@1:5");
  assert.equal(compileErr('"😀\\q"'), "ParseError:BadInput@1:4");
  assert.equal(compileErr('x = "\\x4g"'), "ParseError:BadInput@1:9");
  assert.equal(compileErr('"\\u{41}"'), "ParseError:BadInput@1:4");
  assert.equal(compileErr('"\\UFFFFFFFF"'), "ParseError:BadInput@1:11");
});
