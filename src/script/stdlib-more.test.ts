import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, V, type Value } from "./index.js";
import { buildStdlib } from "./stdlib/index.js";

function ev(src: string, e = new Engine()): Value {
  const r = e.eval(src);
  if (!r.ok) assert.fail(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}
const show = (src: string, e?: Engine) => V.toDisplay(ev(src, e));
function errKind(src: string, e = new Engine()): string {
  const r = e.eval(src);
  assert.equal(r.ok, false, src);
  return (r as { error: { kind: string } }).error.kind;
}

/** The extension package's functions (name/arity), each with a call that works once it is on. */
const EXTRAS: [string, number, string, string][] = [
  ["parse_bool", 1, 'parse_bool("true")', "true"],
  ["float", 1, "float(1.5)", "1.5"],
  ["to_char", 1, "to_char(65)", "A"],
  ["merge", 2, "#{a: 1}.merge(#{b: 2})", '#{"a": 1, "b": 2}'],
  ["round", 2, "round(1.25, 1)", "1.3"],
  ["is_alphabetic", 1, "'a'.is_alphabetic()", "true"],
  ["is_numeric", 1, "is_numeric('5')", "true"],
  ["is_digit", 1, "'7'.is_digit()", "true"],
  ["is_whitespace", 1, "' '.is_whitespace()", "true"],
  ["is_uppercase", 1, "'A'.is_uppercase()", "true"],
  ["is_lowercase", 1, "is_lowercase('a')", "true"],
];

test("functions Rhai's Engine::new() lacks are only in the opt-in extension package", () => {
  const std = buildStdlib();
  const withExtras = buildStdlib({ extras: true });
  const x = new Engine({ extras: true });
  for (const [name, arity, src, out] of EXTRAS) {
    assert.equal(std.has(name, arity), false, `${name}/${arity} is in the default registry`);
    assert.equal(withExtras.has(name, arity), true, `${name}/${arity} is not in the extension package`);
    assert.equal(errKind(src), "ErrorFunctionNotFound", src);
    assert.equal(show(src, x), out, src);
  }
  // the same names keep Rhai's own overloads (round/1) and reject other argument types
  assert.equal(show("round(1.5)"), "2.0");
  assert.equal(errKind("float(1)"), "ErrorFunctionNotFound");
  assert.equal(errKind('"a".is_digit()'), "ErrorFunctionNotFound");
});

test("shifts and unit comparisons behave as in Rhai", () => {
  assert.equal(show("1 << 64"), "0");
  assert.equal(show("-8 >> 100"), "-1");
  assert.equal(show("8 >> 100"), "0");
  assert.equal(show("() >= ()"), "false");
  assert.equal(show("() <= ()"), "false");
  assert.equal(show("() == ()"), "true");
});

test("items from the missing/partial lists", () => {
  assert.equal(show("let x = [1, 2, 3, 4, 5]; x.find(|v| v > 1, 2)"), "3");
  assert.equal(show("let x = [1, 2, 3]; x.find_map(|v| if v > 1 { v * 10 }, 1)"), "20");
  assert.equal(show("let x = [1, 2, 3, 4, 5]; let y = x.drain(1..3); [x, y]"), "[[1, 4, 5], [2, 3]]");
  assert.equal(show("let x = [1, 2, 3, 4, 5]; let y = x.retain(1..=2); [x, y]"), "[[2, 3], [1, 4, 5]]");
  assert.equal(show("[1, 2].zip([3, 4], |a, b, i| a + b + i)"), "[4, 7]");
  assert.equal(show("[1, 5, 9].index_of(|v| v > 3)"), "1");
  assert.equal(show("let v = 0b1101_0000; v.get_bits(4..8)"), "13");
  assert.equal(show("let x = 0; x.set_bits(4..=7, 13); x"), "208");
  assert.equal(show("let n = 0b101; n.bits.len()"), "64");
  assert.equal(show("let c = 'a'; c.make_upper(); c"), "A");
  assert.equal(show("max('a', 'z')"), "z");
  assert.equal(show("let s = \"hello\"; s.set(-1, '!'); s"), "hell!");
  assert.equal(show('"héllo".chars.len()'), "5");
  assert.equal(show("let b = blob(); b.append(\"hé\"); b.append('!'); b"), "[68c3a921]");
  assert.equal(show("let b = blob(4, 1); b.extract(2)"), "[0101]");
  assert.equal(
    show("let b = blob(); b += 1; b += 2; b += 3; let d = b.drain(0, 2); [b.len(), d.len()]"),
    "[1, 2]",
  );
  assert.equal(show("let b = blob(8); b.write_le(0, 8, 1.5); b.parse_le_float(0..8)"), "1.5");
  assert.equal(show("let b = blob(8); b.write_be(0..8, 2.5); b.parse_be_float(0, 8)"), "2.5");
  assert.equal(show("let b = blob(); let c = b + 'A'; c"), "[41]");
  assert.equal(show("let x = 42; let y = take(x); [x, y]"), "[(), 42]");
  assert.equal(show('parse_json(`{"a": [1, 2.5, null], "b": true}`)'), '#{"a": [1, 2.5, ()], "b": true}');
  assert.equal(show("let s = []; for n in range(8..18, 3) { s.push(n) } s"), "[8, 11, 14, 17]");
  assert.equal(show("let t = \"hello!!!\"; t.pad(5, '*'); t"), "hello!!!");
  assert.equal(show("#{a: 1, b: 2}.filter(|k, v| v)"), "#{}");
});

test("string append adds the item's to_string, as `+` does", () => {
  // (a blob is read as UTF-8 by append, as Rhai's append(string, Blob) does: see stdlib-string.test.ts)
  for (const item of ["2.5", "()", '[1, "b"]', "#{k: 1}", "'c'", '"de"', "true"]) {
    const appended = show(`let x = "a"; x.append(${item}); x`);
    assert.equal(appended, show(`"a" + ${item}`), item);
    assert.equal(appended, show(`"a" + to_string(${item})`), item);
  }
  assert.equal(show('let x = "a"; x.append(2.5); x'), "a2.5");
  assert.equal(show('let x = "a"; x.append(()); x'), "a");
});

test("sleep waits, but never past the wall-clock limit", () => {
  const t0 = Date.now();
  ev("sleep(0.05)");
  assert.ok(Date.now() - t0 >= 45);
  const e = new Engine({ limits: { maxWallMs: 100 } });
  const t1 = Date.now();
  assert.equal(errKind("sleep(30); 1 + 1", e), "ErrorTerminated");
  assert.ok(Date.now() - t1 < 2000);
});
