import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/script/index.js";

// Attack: unbounded array / map / blob growth. It must stop with ErrorDataTooLarge at the size limits.
test("array and map growth stop at the size limits", () => {
  const e = new Engine({ limits: { maxArraySize: 10_000, maxMapSize: 1_000, maxOperations: 0 } });
  for (const src of [
    "let a = []; loop { a.push(1); }",
    "let a = []; loop { a += 1; }",
    "let a = [1]; loop { a += a; }",
    "let a = [1]; loop { a = a + a; }",
    "let a = [1]; loop { a.append(a); }",
    "let a = []; a.pad(1000000, 0);",
    "let a = [[1, 2, 3]]; loop { a.push(a[0]); a[0] = a[0] + a[0]; }",
    'let m = #{}; let i = 0; loop { m["k" + i] = i; i += 1; }',
    "blob(100000000)",
  ]) {
    const r = e.eval(src);
    assert.equal(r.ok, false, src);
    if (!r.ok) assert.equal(r.error.kind, "ErrorDataTooLarge", src);
  }
});
