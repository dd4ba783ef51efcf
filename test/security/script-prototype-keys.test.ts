import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, V } from "../../src/script/index.js";

// Attack: `__proto__`, `constructor`, `prototype` as map keys or property names must reach nothing of the
// host: they behave as ordinary keys, missing ones read as (), and Object.prototype stays untouched.
test("prototype-ish keys are ordinary map keys", () => {
  const e = new Engine();
  for (const k of ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"]) {
    const r1 = e.eval(`let m = #{}; m.${k}`);
    assert.ok(r1.ok && r1.value === undefined, k);
    const r2 = e.eval(`let m = #{}; m["${k}"] = 42; m.${k} + m["${k}"]`);
    assert.ok(r2.ok && r2.value === 84, k);
    const r3 = e.eval(`let m = #{"${k}": 1}; m.keys()`);
    assert.ok(r3.ok);
    if (r3.ok) assert.deepEqual(r3.value, [k]);
    const r4 = e.eval(`let m = #{}; "${k}" in m`);
    assert.ok(r4.ok && r4.value === false, k);
  }
  const polluted = e.eval(
    "let m = #{}; m.__proto__ = #{polluted: true}; m.__proto__.polluted = 1; m.to_json()",
  );
  assert.ok(polluted.ok);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.hasOwn(Object.prototype, "polluted"), false);
});

test("properties of non-map values do not reach JavaScript objects", () => {
  const e = new Engine();
  for (const src of [
    '"abc".constructor',
    "[1].__proto__",
    "(1).prototype",
    'let f = Fn("x"); f.constructor',
    "blob().__proto__",
  ]) {
    const r = e.eval(src);
    assert.equal(r.ok, false, src);
  }
  const c = e.eval("let m = #{}; m.constructor.name");
  assert.equal(c.ok, false);
});

test("host JSON conversion keeps prototype keys inert", () => {
  const v = V.fromJs(JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}'));
  assert.ok(V.isMap(v));
  if (V.isMap(v)) assert.deepEqual([...v.keys()].sort(), ["__proto__", "constructor"]);
  const back = V.toJs(v) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(back), null);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});
