import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, toDebug } from "./index.js";

// Direct tests of the core language functions: type_of / to_string / to_debug / print / debug
// (lang_core.rs, string_basic.rs), ranges and stepped ranges (iter_basic.rs), bit fields
// (bit_field.rs), function pointers and timestamps — Rhai at f1f06ab9.

const engine = new Engine();
function dbg(src: string, e = engine): string {
  const r = e.eval(src);
  if (!r.ok) assert.fail(`${src}\n  → ${r.error.kind}: ${r.error.message}`);
  return toDebug(r.value);
}
function err(src: string, e = engine): string {
  const r = e.eval(src);
  assert.equal(r.ok, false, `${src} should fail`);
  const x = (r as { error: { kind: string; inner?: { kind: string } } }).error;
  return x.inner ? `${x.kind}<${x.inner.kind}>` : x.kind;
}

test("core: type_of names every value type", () => {
  assert.equal(
    dbg(
      "[type_of(1), type_of(1.0), type_of(\"a\"), type_of('c'), type_of(true), type_of(()), type_of([]), type_of(#{})]",
    ),
    '["i64", "f64", "string", "char", "bool", "()", "array", "map"]',
  );
  assert.equal(
    dbg(
      '[type_of(blob()), type_of(1..2), type_of(1..=2), type_of(Fn("f")), type_of(|x| x), type_of(timestamp())]',
    ),
    '["blob", "range", "range=", "Fn", "Fn", "timestamp"]',
  );
});

test("core: to_string, to_debug, print and debug", () => {
  assert.equal(
    dbg(
      "[1.to_string(), 1.5.to_string(), \"a\".to_string(), 'c'.to_string(), ().to_string(), true.to_string()]",
    ),
    '["1", "1.5", "a", "c", "", "true"]',
  );
  assert.equal(
    dbg("[[1, \"a\"].to_string(), #{a: 'b'}.to_string()]"),
    '["[1, \\"a\\"]", "#{\\"a\\": \'b\'}"]',
  );
  assert.equal(
    dbg("[\"a\".to_debug(), 'c'.to_debug(), ().to_debug(), 2.0.to_debug(), (1..=3).to_debug()]"),
    '["\\"a\\"", "\'c\'", "()", "2.0", "1..=3"]',
  );
  assert.equal(dbg('Fn("f").to_string()'), '"Fn(f)"');
  const printed: string[] = [];
  const debugged: string[] = [];
  const e = new Engine({
    onPrint: (t) => printed.push(t),
    onDebug: (t, p) => debugged.push(`${t}@${p?.line}:${p?.column}`),
  });
  assert.equal(dbg('print("hi"); print(1.0); print([1]); debug("x");\n  debug(\'c\')', e), "()");
  assert.deepEqual(printed, ["hi", "1.0", "[1]"]);
  assert.deepEqual(debugged, ['"x"@1:38', "'c'@2:3"]);
});

test("core: range values (start, end, inclusive, empty, contains, in)", () => {
  assert.equal(
    dbg(
      "let r = 1..5; [r.start, r.end, r.is_inclusive, r.is_exclusive, r.is_empty, r.contains(4), r.contains(5), 5 in r]",
    ),
    "[1, 5, false, true, false, true, false, false]",
  );
  assert.equal(
    dbg(
      "let r = 1..=5; [r.start(), r.end(), r.is_inclusive(), r.is_exclusive(), r.is_empty(), r.contains(5), 0 in r]",
    ),
    "[1, 5, true, false, false, true, false]",
  );
  assert.equal(
    dbg("[(3..3).is_empty, (3..=3).is_empty, (4..=3).is_empty, (5..1).is_empty]"),
    "[true, false, true, true]",
  );
  assert.equal(dbg("let s = 0; for i in 1..=4 { s += i } for i in 3..1 { s += 100 } s"), "10");
  assert.equal(
    dbg("let s = []; for i in 9223372036854775805..9223372036854775807 { s.push(i) } s"),
    "[9223372036854775805, 9223372036854775806]",
  );
  assert.equal(
    dbg("let s = []; for i in -9007199254740993..=-9007199254740992 { s.push(i) } s"),
    "[-9007199254740993, -9007199254740992]",
  );
});

test("core: range(from, to, step) iterates by repeated addition, in the step's direction", () => {
  const run = (src: string) => dbg(`let s = []; for x in ${src} { s.push(x) } s`);
  assert.equal(run("range(0, 10, 3)"), "[0, 3, 6, 9]");
  assert.equal(run("range(5, 0, -2)"), "[5, 3, 1]");
  assert.equal(run("range(0, 5, -1)"), "[]");
  assert.equal(run("range(5, 0, 1)"), "[]");
  assert.equal(run("range(3, 3, 1)"), "[]");
  assert.equal(run("range(0.0, 1.0, 0.25)"), "[0.0, 0.25, 0.5, 0.75]");
  assert.equal(run("range(1.0, 0.0, -0.5)"), "[1.0, 0.5]");
  assert.equal(run("range(0, 2.0, 1)"), "[0.0, 1.0]");
  assert.equal(run("range(1..10, 4)"), "[1, 5, 9]");
  assert.equal(
    run("range(9223372036854775800, 9223372036854775807, 3)"),
    "[9223372036854775800, 9223372036854775803, 9223372036854775806]",
  );
  // a zero step: ErrorInFunctionCall("range", …) around ErrorArithmetic (StepRange::new)
  assert.equal(err("range(1, 5, 0)"), "ErrorInFunctionCall<ErrorArithmetic>");
  assert.equal(err("range(1.0, 5.0, 0.0)"), "ErrorInFunctionCall<ErrorArithmetic>");
  assert.equal(err('range(1, "a", 1)'), "ErrorFunctionNotFound");
});

test("core: iterating strings, blobs, arrays; other values are not iterable", () => {
  assert.equal(dbg('let s = []; for c in "a😀" { s.push(c) } s'), "['a', '😀']");
  assert.equal(dbg("let s = 0; for b in blob(3, 2) { s += b } s"), "6");
  assert.equal(dbg("let a = [1, 2]; let s = []; for x in a { a.push(0); s.push(x) } s"), "[1, 2]");
  assert.equal(dbg("let s = []; for (x, i) in [7, 8] { s.push(x * 10 + i) } s"), "[70, 81]");
  assert.equal(err("for x in 5 {}"), "ErrorFor");
  assert.equal(err("for x in true {}"), "ErrorFor");
});

test("core: bit fields (get_bit, set_bit, get_bits, set_bits, bits)", () => {
  assert.equal(
    dbg("[get_bit(5, 0), get_bit(5, 1), get_bit(5, -64), get_bit(-1, 63), 5.get_bit(-62)]"),
    "[true, false, true, true, true]",
  );
  assert.equal(err("get_bit(5, 64)"), "ErrorBitFieldBounds");
  assert.equal(err("get_bit(5, -65)"), "ErrorBitFieldBounds");
  assert.equal(dbg("let x = 0; x.set_bit(63, true); x.set_bit(0, true); x"), "-9223372036854775807");
  assert.equal(dbg("let x = 7; x.set_bit(-64, false); x"), "6");
  assert.equal(err("let x = 0; x.set_bit(64, true)"), "ErrorBitFieldBounds");
  assert.equal(
    dbg("[get_bits(0b110100, 2, 3), get_bits(-1, 0, 64), get_bits(-1, 60, 10), get_bits(0xff, -8, 4)]"),
    "[5, -1, 15, 0]",
  );
  // bits <= 0 gives 0 (and set_bits does nothing) before the start is checked
  assert.equal(dbg("[get_bits(13, 0, 0), get_bits(13, 0, -1), get_bits(13, 99, 0)]"), "[0, 0, 0]");
  assert.equal(dbg("let x = 5; x.set_bits(99, 0, 1); x.set_bits(0, -3, 1); x"), "5");
  assert.equal(err("get_bits(1, 64, 1)"), "ErrorBitFieldBounds");
  assert.equal(err("let x = 1; x.set_bits(-65, 2, 1)"), "ErrorBitFieldBounds");
  assert.equal(dbg("let x = 0; x.set_bits(4, 4, 0xff); x"), "240");
  assert.equal(dbg("let x = -1; x.set_bits(0, 64, 5); x"), "5");
  assert.equal(dbg("let x = 0; x.set_bits(60, 10, -1); x"), "-1152921504606846976");
  assert.equal(dbg("[get_bits(0b1100, 2..4), get_bits(0b1100, 2..=3)]"), "[3, 3]");
  assert.equal(dbg("let x = 0; x.set_bits(1..3, 3); x.set_bits(4..=5, 3); x"), "54");
  assert.equal(
    dbg("[bits(5, 0, 3), bits(-1, 62), 5.bits(-64, 3), bits(6, 1..3), bits(6, 1..=2), bits(6, 0, -1)]"),
    "[[true, false, true], [true, true], [true, false, true], [true, true], [true, true], []]",
  );
  assert.equal(dbg("[5.bits.len(), bits(1).len()]"), "[64, 64]");
  assert.equal(err("bits(5, 64, 1)"), "ErrorBitFieldBounds");
});

test("core: function pointers and timestamps", () => {
  assert.equal(
    dbg('[Fn("abc").name, Fn("abc").is_anonymous, (|x| x).is_anonymous()]'),
    '["abc", false, true]',
  );
  assert.equal(
    dbg('fn add(a, b) { a + b } let f = Fn("add"); [f.call(1, 2), call(f, 3, 4), f.curry(10).call(5)]'),
    "[3, 7, 15]",
  );
  assert.equal(
    dbg("let t = timestamp(); let e = t.elapsed; [type_of(e), e >= 0.0, t.elapsed() >= e]"),
    '["f64", true, true]',
  );
  assert.equal(dbg("let t = timestamp(); type_of(timestamp() - t)"), '"f64"');
});

// Rhai registers iterators for arrays, blobs, strings, ranges and bit ranges only; a map is not
// iterable (`for k in m.keys()` is the Rhai form).
test("core: a map is not iterable", () => {
  assert.equal(err("for k in #{a: 1} {}"), "ErrorFor");
  assert.equal(err("let m = #{}; for (k, i) in m {}"), "ErrorFor");
  assert.equal(dbg('let s = ""; for (k, i) in #{b: 1, a: 2}.keys() { s += k + i } s'), '"a0b1"');
});
