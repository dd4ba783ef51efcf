import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/script/index.js";

// Attack: exponential string growth. It must stop with ErrorDataTooLarge at max_string_size.
test("string doubling stops at max_string_size", () => {
  const e = new Engine({ limits: { maxStringSize: 1 << 20 } });
  for (const src of [
    'let s = "x"; loop { s += s; }',
    'let s = "x"; loop { s = s + s; }',
    `let s = "ab"; loop { s = \`$\{s}$\{s}\`; }`,
    'let s = "x"; loop { s.pad(s.len() * 2, "y"); }',
    'let s = "x"; for i in 0..100 { s = s + s + s; }',
  ]) {
    const r = e.eval(src);
    assert.equal(r.ok, false, src);
    if (!r.ok) assert.equal(r.error.kind, "ErrorDataTooLarge", src);
  }
});

test("an over-long string literal is a parse error", () => {
  const e = new Engine({ limits: { maxStringSize: 10 } });
  const r = e.eval('"this literal is too long"');
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, "ParseError:LiteralTooLarge");
});
