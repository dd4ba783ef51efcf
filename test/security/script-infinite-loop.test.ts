import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/script/index.js";

// Attack: a script that never terminates. It must stop with its limit error, fast, and leave the engine usable.
test("infinite loops stop at max_operations", () => {
  const e = new Engine({ limits: { maxOperations: 100_000 } });
  for (const src of [
    "loop { }",
    "while true { let x = 1; }",
    "let i = 0; loop { i += 1; }",
    "for x in 0..9223372036854775807 { }",
    "do { } while true",
  ]) {
    const r = e.eval(src);
    assert.equal(r.ok, false, src);
    if (!r.ok) assert.equal(r.error.kind, "ErrorTooManyOperations", src);
  }
  const again = e.eval("1 + 1");
  assert.ok(again.ok && again.value === 2);
});

test("infinite loops stop at the wall-clock deadline when operations are unlimited", {
  timeout: 20_000,
}, () => {
  const e = new Engine({ limits: { maxOperations: 0, maxWallMs: 50 } });
  const r = e.eval("loop { }"); // returns only because the deadline fires
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, "ErrorTerminated");
});

test("a limit error cannot be caught by the script", () => {
  const e = new Engine({ limits: { maxOperations: 10_000 } });
  const r = e.eval("let n = 0; loop { try { loop { } } catch { n += 1; } }");
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, "ErrorTooManyOperations");
});

test("host-call budget stops a loop of host calls", () => {
  const e = new Engine({ limits: { maxHostCalls: 100, maxOperations: 0 } });
  e.registerFn("ping", [], () => undefined);
  const r = e.eval("loop { ping(); }");
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, "ErrorTooManyOperations");
});
