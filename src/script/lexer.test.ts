// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the sources lexed here are Rhai code, where ${…} is interpolation
import assert from "node:assert/strict";
import { test } from "node:test";
import { RhaiError } from "./errors.js";
import { tokenize } from "./lexer.js";

function kinds(src: string): string[] {
  return tokenize(src, 0).map((t) => t.k);
}
function lexError(src: string): string {
  try {
    tokenize(src, 0);
  } catch (e) {
    if (e instanceof RhaiError) return e.message;
    throw e;
  }
  return assert.fail(`lexed without error: ${src}`);
}

test("keywords, reserved words, identifiers and longest-match symbols", () => {
  assert.deepEqual(kinds("let x = y ?? 1;"), ["let", "id", "=", "id", "??", "int", ";", "eof"]);
  assert.deepEqual(kinds("match goto"), ["reserved", "reserved", "eof"]);
  assert.deepEqual(kinds("a ..= b ... c **= d"), ["id", "..=", "id", "reserved", "id", "**=", "id", "eof"]);
  assert.deepEqual(kinds("x !in y"), ["id", "!in", "id", "eof"]);
  assert.deepEqual(kinds("#{ a: 1 }"), ["#{", "id", ":", "int", "}", "eof"]);
});

test("numbers carry their value in num and their decimal text in v", () => {
  const [i, f, h, big] = tokenize("1_000 2.5 0xff 9007199254740993", 0);
  assert.deepEqual([i?.k, i?.num, i?.v], ["int", 1000, "1000"]);
  assert.deepEqual([f?.k, f?.num], ["float", 2.5]);
  assert.equal(h?.num, 255);
  assert.equal(big?.num, 9007199254740993n);
  // beyond i64 a decimal literal is a float (Rhai's tokenizer.rs)
  const [huge] = tokenize("99999999999999999999", 0);
  assert.deepEqual([huge?.k, huge?.num], ["float", 1e20]);
});

test("one escape routine: quoted strings and chars take escapes, backtick strings only \\${", () => {
  const [s] = tokenize(String.raw`"a\tb\x41\u00e9\U0001F600\"q""z"`, 0);
  assert.equal(s?.v, 'a\tbAé😀"q"z');
  const [c] = tokenize(String.raw`'\n'`, 0);
  assert.deepEqual([c?.k, c?.v], ["char", "\n"]);
  const [b] = tokenize("`a\\tb\\${c}``d`", 0);
  assert.deepEqual([b?.k, b?.v], ["str", "a\\tb${c}`d"]);
  // a line continuation skips indentation up to the opening quote's column
  const [lc] = tokenize('  "a\\\n     b"', 0);
  assert.equal(lc?.v, "a  b");
  assert.match(lexError(String.raw`"\q"`), /MalformedEscapeSequence/);
  assert.match(lexError(String.raw`"\uD800"`), /MalformedEscapeSequence/);
  assert.match(lexError('"ab\ncd"'), /UnterminatedString/);
  assert.match(lexError("'ab'"), /MalformedChar/);
});

test("a backtick string with ${…} lexes each block as its own token list", () => {
  const [t] = tokenize("`x=${a + 1}, y=${ #{k: 2}.k }!`", 0);
  assert.equal(t?.k, "interp");
  const parts = t?.parts ?? [];
  assert.equal(parts.length, 5);
  assert.equal(parts[0], "x=");
  const first = parts[1];
  assert.ok(Array.isArray(first));
  assert.deepEqual(
    first.map((x) => x.k),
    ["id", "+", "int", "eof"],
  );
  assert.equal(parts[4], "!");
  assert.match(lexError("`a${b"), /UnexpectedEOF/);
});

test("positions are 1-based and count lines inside multi-line literals", () => {
  const toks = tokenize("let a =\n  `x\ny`;\n b", 0);
  const b = toks.find((t) => t.v === "b");
  assert.deepEqual([b?.line, b?.col, b?.nl], [4, 2, true]);
});
