import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/script/index.js";

// Attack: unbounded recursion (direct, mutual, through closures and callbacks) must end with
// ErrorStackOverflow at max_call_levels, never with a host stack overflow.
test("runaway recursion stops at max_call_levels", () => {
  const e = new Engine({ limits: { maxCallLevels: 50 } });
  for (const src of [
    "fn f(n) { f(n + 1) } f(0)",
    "fn a(n) { b(n) } fn b(n) { a(n) } a(1)",
    "fn f() { this.f() } 1.f()",
    "let f = 0; f = |n| f.call(n + 1); f.call(0)",
    "fn f(n) { [1].map(|x| f(n)) } f(0)",
  ]) {
    const r = e.eval(src);
    assert.equal(r.ok, false, src);
    if (!r.ok) assert.equal(r.error.kind, "ErrorStackOverflow", src);
  }
});

test("recursion with an unlimited call level still ends cleanly", () => {
  const e = new Engine({ limits: { maxCallLevels: 0, maxOperations: 0 } });
  const r = e.eval("fn f(n) { f(n + 1) } f(0)");
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, "ErrorStackOverflow");
  const again = e.eval("fn g(n) { if n == 0 { 0 } else { 1 + g(n - 1) } } g(40)");
  assert.ok(again.ok && again.value === 40);
});
