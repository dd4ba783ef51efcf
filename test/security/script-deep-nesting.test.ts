import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/script/index.js";

// Attack: deeply nested source (parentheses, arrays, blocks, unary chains, long operator chains).
// The parser must reject it with ParseError:ExprTooDeep (never a host stack overflow).
test("deep nesting is rejected by the parser", () => {
  const e = new Engine({ limits: { maxExprDepth: 64 } });
  const n = 100_000;
  for (const src of [
    `${"(".repeat(n)}1${")".repeat(n)}`,
    `${"[".repeat(n)}${"]".repeat(n)}`,
    `${"{".repeat(n)}${"}".repeat(n)}`,
    `${"- ".repeat(n)}1`,
    `${"!".repeat(n)}true`,
    `${"if true { ".repeat(n)}1${" }".repeat(n)}`,
    `${"1 + ".repeat(n)}1`,
    `${"#{a: ".repeat(n)}1${"}".repeat(n)}`,
    `${"|| ".repeat(n)}1`,
  ]) {
    const r = e.compile(src);
    assert.equal(r.ok, false, src.slice(0, 20));
    if (!r.ok) assert.equal(r.error.kind, "ParseError:ExprTooDeep", src.slice(0, 20));
  }
});

test("even with an unlimited expression depth, nesting ends in an error, not a crash", () => {
  const e = new Engine({ limits: { maxExprDepth: 0, maxFunctionExprDepth: 0 } });
  const r = e.compile(`${"(".repeat(200_000)}1${")".repeat(200_000)}`);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.kind, /^ParseError:ExprTooDeep|ErrorStackOverflow$/);
});
