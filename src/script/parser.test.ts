// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Rhai source text, where ${…} is Rhai interpolation
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, toDebug } from "./index.js";

// Direct tests of the parser through the public engine API: operator precedence (Rhai's
// Token::precedence in src/tokenizer.rs: || ^ | 30, && & 60, == != 90, in 110, < <= > >= 130, ?? 135,
// .. ..= 140, + - 150, * / % 180, ** 190 (right-assoc), << >> 210), the positions (spans) the parser
// gives statements and expressions — seen through the line:column of runtime errors — and the kind
// and position of parse errors (Rhai's `ParseErrorType`; an EOF sits one column past the last char).

const engine = new Engine();
function dbg(src: string): string {
  const r = engine.eval(src);
  if (!r.ok) assert.fail(`${src}\n  → ${r.error.kind}: ${r.error.message}`);
  return toDebug(r.value);
}
interface Info {
  kind: string;
  position: { line: number; column: number } | null;
  inner?: Info;
}
const at = (e: Info): string =>
  `${e.kind}@${e.position ? `${e.position.line}:${e.position.column}` : "none"}${e.inner ? ` <${at(e.inner)}>` : ""}`;
/** `kind@line:col` of the runtime error of `src` (which must compile). */
function runErr(src: string): string {
  const c = engine.compile(src);
  if (!c.ok) assert.fail(`${src} does not compile: ${c.error.kind} ${c.error.message}`);
  const r = engine.eval(src);
  assert.equal(r.ok, false, `${JSON.stringify(src)} should fail`);
  return at((r as { error: Info }).error);
}
/** `kind@line:col` of the parse error of `src`. */
function parseErr(src: string): string {
  const r = engine.compile(src);
  assert.equal(r.ok, false, `${JSON.stringify(src)} should not compile`);
  return at((r as { error: Info }).error);
}

test("parser: operator precedence and associativity", () => {
  assert.equal(dbg("1 + 2 * 3"), "7");
  assert.equal(dbg("(1 + 2) * 3"), "9");
  assert.equal(dbg("10 - 2 - 3"), "5");
  assert.equal(dbg("100 / 10 / 5"), "2");
  assert.equal(dbg("7 % 4 * 2"), "6");
  assert.equal(dbg("2 ** 3 ** 2"), "512");
  assert.equal(dbg("2 * 3 ** 2"), "18");
  // shifts bind tighter than ** and +, unlike C
  assert.equal(dbg("1 + 2 << 3"), "17");
  assert.equal(dbg("2 ** 3 << 1"), "64");
  assert.equal(dbg("-2 ** 2"), "4");
  // | ^ and || share one level (left to right); & and && share the next
  assert.equal(dbg("1 | 2 ^ 3"), "0");
  assert.equal(dbg("6 ^ 3 & 5"), "7");
  assert.equal(dbg("true || false && false"), "true");
  assert.equal(dbg("false && true || true"), "true");
  assert.equal(dbg("true | false & false"), "true");
  assert.equal(dbg("!true || true"), "true");
  // comparison over equality, in between them, ?? over comparison, ranges over ??
  assert.equal(dbg("1 < 2 == 2 < 3"), "true");
  assert.equal(dbg("1 + 1 in [2]"), "true");
  assert.equal(dbg("2 in [2] == true"), "true");
  assert.equal(dbg("() ?? 1 + 2"), "3");
  assert.equal(dbg("() ?? 1 == 1"), "true");
  assert.equal(dbg("5 ?? 2 < 3"), "false");
  assert.equal(dbg("let r = 0..1 + 2; r.end"), "3");
  assert.equal(dbg("let x = 5; x += 2 * 3; x"), "11");
  assert.equal(dbg("let x = 2; x **= 3 ** 2; x"), "512");
  // postfix access binds tightest
  assert.equal(dbg("-[1, 2][1]"), "-2");
  assert.equal(dbg('-"abc".len()'), "-3");
  assert.equal(dbg("#{a: [10, 20]}.a[1] + 1"), "21");
  assert.equal(dbg("let a = ()?.x ?? 7; a"), "7");
});

test("parser: statements, blocks and expressions carry their line:column", () => {
  assert.equal(runErr("let a = 1;\n  b + 1"), "ErrorVariableNotFound@2:3");
  assert.equal(runErr("let x = 1;\nlet y = x / 0;"), "ErrorArithmetic@2:11");
  assert.equal(runErr('1 +\n  2 *\n   "s"'), "ErrorFunctionNotFound@2:5");
  assert.equal(runErr("   foo(1)"), "ErrorFunctionNotFound@1:4");
  assert.equal(runErr("let x = 1;\nx.foo()"), "ErrorFunctionNotFound@2:3");
  assert.equal(runErr("throw 42"), "ErrorRuntime@1:1");
  assert.equal(runErr("let x = 0;\n  throw\n x"), "ErrorRuntime@2:3");
  assert.equal(runErr("if true {\n  let z = 1;\n  z + q\n}"), "ErrorVariableNotFound@3:7");
  assert.equal(runErr("let a = [1,\n 2,\n   nope];"), "ErrorVariableNotFound@3:4");
  assert.equal(runErr("switch 3 {\n 1 => 1,\n _ => zz\n}"), "ErrorVariableNotFound@3:7");
  assert.equal(runErr("for i in 0..3 {\n if i == 2 { i / 0 }\n}"), "ErrorArithmetic@2:16");
  assert.equal(
    runErr("while true {\n  do { break } while nope;\n  undefined_fn();\n}"),
    "ErrorFunctionNotFound@3:3",
  );
  // inside interpolation, a multi-line string and after comments, positions stay on the source lines
  assert.equal(runErr("`line1\nx = ${ 1 +\n  bad }`"), "ErrorVariableNotFound@3:3");
  assert.equal(runErr('let s = "a\\\n        b"; s + missing'), "ErrorVariableNotFound@2:17");
  assert.equal(runErr("/* one\n two */ // three\n\t  oops"), "ErrorVariableNotFound@3:4");
  // an error inside a script function: the call site, with the inner error at its own position
  assert.equal(
    runErr("fn f(a) {\n  a / 0\n}\nlet y = 1;\n  f(y)"),
    "ErrorInFunctionCall@5:3 <ErrorArithmetic@2:5>",
  );
});

test("parser: malformed scripts give Rhai's error kind at the offending token", () => {
  assert.equal(parseErr("let = 5;"), "ParseError:VariableExpected@1:5");
  assert.equal(parseErr("let var = 1;"), "ParseError:Reserved@1:5");
  assert.equal(parseErr("let x = ;"), "ParseError:BadInput@1:9");
  assert.equal(parseErr("let x = 1; x = ;"), "ParseError:BadInput@1:16");
  assert.equal(parseErr("foo(1, 2"), "ParseError:MissingToken@1:9");
  assert.equal(parseErr("(1 + 2"), "ParseError:MissingToken@1:7");
  assert.equal(parseErr("[1, 2"), "ParseError:MissingToken@1:6");
  assert.equal(parseErr("#{a: 1"), "ParseError:MissingToken@1:7");
  assert.equal(parseErr("if true { 1"), "ParseError:MissingToken@1:12");
  assert.equal(parseErr("x."), "ParseError:PropertyExpected@1:3");
  assert.equal(parseErr("1 +\n\n  "), "ParseError:UnexpectedEOF@3:3");
  assert.equal(parseErr("let x = 1;\n  x +"), "ParseError:UnexpectedEOF@2:6");
  assert.equal(parseErr("const x = 1; x = 2;"), "ParseError:AssignmentToConstant@1:14");
  assert.equal(parseErr("fn f(a, a) {}"), "ParseError:FnDuplicatedParam@1:9");
  assert.equal(parseErr("break;"), "ParseError:LoopBreak@1:1");
  assert.equal(parseErr("let x = 1;\n  continue;"), "ParseError:LoopBreak@2:3");
  assert.equal(parseErr("true = 42;").split("@")[0], "ParseError:AssignmentToConstant");
  assert.equal(parseErr("x.foo()[0] = 42;").split("@")[0], "ParseError:AssignmentToInvalidLHS");
  assert.equal(parseErr("[1, 2, 3][123.456]").split("@")[0], "ParseError:MalformedIndexExpr");
  assert.equal(parseErr("fn f() {}\nfn f() {}").split("@")[0], "ParseError:FnDuplicatedDefinition");
  assert.equal(parseErr("let x = #{a: 1, a: 2};").split("@")[0], "ParseError:DuplicatedProperty");
  assert.equal(parseErr("switch 1 { _ => 1, 2 => 2 }").split("@")[0], "ParseError:WrongSwitchDefaultCase");
  // the error is in the interpolated block, at EOF of the block
  assert.equal(parseErr("let x = `a${1 + }b`;").split("@")[0], "ParseError:UnexpectedEOF");
});

test("parser: an expression-only compile rejects statements", () => {
  const ok = engine.compile("1 + 2 * x", { expression: true });
  assert.equal(ok.ok, true);
  for (const src of ["let x = 1", "1; 2", "x = 1", "if true { let y = 1; y } else { 2 }", "while true {}"]) {
    const r = engine.compile(src, { expression: true });
    assert.equal(r.ok, false, src);
  }
});

test("parser: spans survive a round trip through compile and run", () => {
  // the same program compiled once reports the same position on every run
  const c = engine.compile("let n = 0;\nfor i in 0..5 {\n  n += i;\n}\nn / (n - 10)");
  assert.ok(c.ok);
  for (let k = 0; k < 2; k++) {
    const r = engine.run(c.program);
    assert.equal(r.ok, false);
    assert.equal(at((r as { error: Info }).error), "ErrorArithmetic@5:3");
  }
});

// Rhai's TokenIterator turns `===`, `!==`, `->`, `<-`, `:=` … into LexError::ImproperSymbol (BadInput).
test("parser: '===' is an improper symbol (BadInput)", () => {
  assert.equal(parseErr("1 === 1"), "ParseError:BadInput@1:3");
  assert.equal(parseErr("let x := 1;"), "ParseError:BadInput@1:7");
  assert.equal(parseErr("x !== 1"), "ParseError:BadInput@1:3");
  assert.equal(parseErr("let y = 2;\nf(1) -> 2"), "ParseError:BadInput@2:6");
  // the other reserved symbols stay reserved: an unknown operator
  assert.equal(parseErr("1 |> 2"), "ParseError:UnknownOperator@1:3");
});
