import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../engine.js";
import { toDebug } from "../format.js";
import { RCustom, type Value } from "../values.js";

// Direct tests of the number, bit-field, range and iteration built-ins (math.ts, core.ts, iterate.ts),
// with the results Rhai 1.26 gives.

function run(src: string, e = new Engine()): string {
  const r = e.eval(src);
  if (!r.ok) assert.fail(`${src}: ${r.error.kind}: ${r.error.message}`);
  return toDebug(r.value);
}
function fails(src: string, e = new Engine()): string {
  const r = e.eval(src);
  assert.equal(r.ok, false, `${src} should fail`);
  return r.ok ? "" : r.error.kind;
}

test("float to int: truncation, the i64 range, and refusal past it", () => {
  assert.equal(run("to_int(2.7)"), "2");
  assert.equal(run("to_int(-2.7)"), "-2");
  assert.equal(run("to_int(-0.5)"), "0");
  assert.equal(run("to_int(1.0e17)"), "100000000000000000");
  assert.equal(run("to_int(-9.0e18)"), "-9000000000000000000");
  assert.equal(fails("to_int(1.0e19)"), "ErrorArithmetic");
  assert.equal(fails('to_int(parse_float("inf"))'), "ErrorArithmetic");
  // Rhai checks only the range, then casts: NaN as i64 is 0 (math_basic.rs f64_to_int)
  assert.equal(run('to_int(parse_float("NaN"))'), "0");
  assert.equal(run("to_int(42)"), "42");
  assert.equal(run("to_int('A')"), "65");
  // math_basic.rs has to_int for INT, char and FLOAT only
  assert.equal(fails("to_int(true)"), "ErrorFunctionNotFound");
  assert.equal(run("[to_float(3), to_float(2.5)]"), "[3.0, 2.5]");
});

test("abs, sign, max and min over ints, floats and both", () => {
  assert.equal(run("[abs(-5), abs(5), abs(-2.5)]"), "[5, 5, 2.5]");
  assert.equal(run("abs(-9223372036854775807)"), "9223372036854775807");
  assert.equal(fails("abs(-9223372036854775807 - 1)"), "ErrorArithmetic");
  assert.equal(run("[sign(-4), sign(0), sign(7)]"), "[-1, 0, 1]");
  assert.equal(run("[sign(-0.5), sign(0.0), sign(2.5)]"), "[-1, 0, 1]");
  assert.equal(fails('sign(parse_float("NaN"))'), "ErrorArithmetic");
  assert.equal(run("[max(3, 9), min(3, 9)]"), "[9, 3]");
  assert.equal(
    run("[max(9223372036854775807, 1), min(-9223372036854775807 - 1, 0)]"),
    "[9223372036854775807, -9223372036854775808]",
  );
  assert.equal(run("[max(3, 2.5), min(3, 2.5), max(2.5, 3), min(1.5, 2.5)]"), "[3.0, 2.5, 3.0, 1.5]");
  assert.equal(run('[max("a", "b"), min("a", "b")]'), '["b", "a"]');
  assert.equal(run("[is_zero(0), is_zero(3), is_zero(0.0)]"), "[true, false, true]");
  assert.equal(
    run("let m = 9223372036854775807; [(-3).is_odd, (-3).is_even, m.is_odd, is_even(m)]"),
    "[true, false, true, false]",
  );
});

test("float functions, getters and classification", () => {
  assert.equal(run("[2.5.round(), (-2.5).round(), 2.4.round()]"), "[3.0, -3.0, 2.0]");
  assert.equal(run("[(-2.7).floor(), (-2.7).ceiling(), (-2.7).int()]"), "[-3.0, -2.0, -2.0]");
  assert.equal(run("let x = -2.7; [x.floor, x.ceiling, x.round, x.int]"), "[-3.0, -2.0, -3.0, -2.0]");
  assert.equal(run("let x = 2.75; [x.fraction(), x.fraction, (-2.75).fraction]"), "[0.75, 0.75, -0.75]");
  assert.equal(run("let x = 0.0; let y = -1.5; [x.is_zero, y.is_zero, is_zero(x)]"), "[true, false, true]");
  assert.equal(
    run("[sqrt(16.0), sqrt(2.25), log(100.0), exp(0.0), hypot(3.0, 4.0)]"),
    "[4.0, 1.5, 2.0, 1.0, 5.0]",
  );
  // transcendental results compared within a tolerance (libm implementations may differ in the last bit)
  const near = (a: string, b: string) => run(`abs(${a} - ${b}) < 1e-12`);
  assert.equal(near("log(8.0, 2.0)", "3.0"), "true");
  assert.equal(near("log(1000.0, 10.0)", "3.0"), "true");
  assert.equal(near("ln(E())", "1.0"), "true");
  assert.equal(near("to_degrees(PI())", "180.0"), "true");
  assert.equal(near("to_radians(180.0)", "PI()"), "true");
  assert.equal(near("atan(1.0, 1.0)", "PI() / 4.0"), "true");
  assert.equal(near("sin(PI() / 2.0)", "1.0"), "true");
  assert.equal(
    run(
      'let n = parse_float("NaN"); let i = parse_float("-inf"); [n.is_nan, i.is_infinite, i.is_finite, 1.5.is_nan]',
    ),
    "[true, true, false, false]",
  );
  assert.equal(
    run('[parse_float(" 2.5 "), parse_float("+1e3"), parse_float(".5"), parse_float("infinity")]'),
    "[2.5, 1000.0, 0.5, inf]",
  );
  assert.equal(fails('parse_float("1.2.3")'), "ErrorArithmetic");
  assert.equal(run("2.5.to_string()"), '"2.5"');
});

test("integer parsing and radix text", () => {
  assert.equal(run('[parse_int("42"), parse_int(" -17 "), parse_int("+8")]'), "[42, -17, 8]");
  assert.equal(
    run('[parse_int("ff", 16), parse_int("FF", 16), parse_int("-101", 2), parse_int("z", 36)]'),
    "[255, 255, -5, 35]",
  );
  assert.equal(run('parse_int("9223372036854775807")'), "9223372036854775807");
  assert.equal(run('parse_int("-9223372036854775808")'), "-9223372036854775808");
  assert.equal(fails('parse_int("9223372036854775808")'), "ErrorArithmetic");
  assert.equal(fails('parse_int("12", 1)'), "ErrorArithmetic");
  assert.equal(fails('parse_int("19", 8)'), "ErrorArithmetic");
  assert.equal(fails('parse_int("")'), "ErrorArithmetic");
  assert.equal(
    run("[to_hex(255), to_hex(-1), to_octal(8), to_binary(5)]"),
    '["ff", "ffffffffffffffff", "10", "101"]',
  );
});

test("bit fields", () => {
  assert.equal(
    run("[get_bit(5, 0), get_bit(5, 1), get_bit(-1, 63), get_bit(-1, -1)]"),
    "[true, false, true, true]",
  );
  assert.equal(fails("get_bit(5, 64)"), "ErrorBitFieldBounds");
  assert.equal(fails("get_bit(5, -65)"), "ErrorBitFieldBounds");
  assert.equal(run("let x = 0; x.set_bit(63, true); x"), "-9223372036854775808");
  assert.equal(run("let x = 7; x.set_bit(1, false); x"), "5");
  assert.equal(fails("let x = 0; x.set_bit(64, true); x"), "ErrorBitFieldBounds");
  assert.equal(
    run("[get_bits(0b1101_0000, 4, 4), get_bits(-1, 60, 10), get_bits(-1, 0, 64)]"),
    "[13, 15, -1]",
  );
  assert.equal(fails("get_bits(1, 64, 1)"), "ErrorBitFieldBounds");
  assert.equal(run("let x = 0; x.set_bits(4, 4, 13); x"), "208");
  assert.equal(run("let x = 0; x.set_bits(60, 8, 15); x"), "-1152921504606846976");
  assert.equal(run("let s = []; for b in bits(5, 0, 3) { s.push(b) } s"), "[true, false, true]");
  assert.equal(run("let s = []; for b in bits(5, 1..3) { s.push(b) } s"), "[false, true]");
  assert.equal(run("let n = 0; for b in bits(-1) { n += 1 } n"), "64");
});

test("ranges: properties, stepped ranges and iteration", () => {
  assert.equal(
    run("let r = 2..5; [r.start, r.end, r.is_inclusive, r.is_exclusive, r.len(), r.is_empty]"),
    "[2, 5, false, true, 3, false]",
  );
  assert.equal(
    run("let r = 2..=5; [r.is_inclusive, r.len(), r.contains(5), (5..5).is_empty, (5..=5).is_empty]"),
    "[true, 4, true, true, false]",
  );
  assert.equal(run("[(2..5).contains(5), (2..5).contains(2), (5..2).len()]"), "[false, true, 0]");
  assert.equal(run("let s = []; for v in range(1, 10, 3) { s.push(v) } s"), "[1, 4, 7]");
  assert.equal(run("let s = []; for v in range(10, 1, -4) { s.push(v) } s"), "[10, 6, 2]");
  assert.equal(run("let s = []; for v in range(1.0, 2.0, 0.5) { s.push(v) } s"), "[1.0, 1.5]");
  assert.equal(run("let s = []; for v in range(2.0, 1, -0.5) { s.push(v) } s"), "[2.0, 1.5]");
  assert.equal(run("let s = []; for v in range(1, 3) { s.push(v) } s"), "[1, 2]");
  assert.equal(fails("range(1, 5, 0)") !== "", true);
  assert.equal(fails("range(1.0, 5.0, 0.0)") !== "", true);
  assert.equal(
    run("let s = []; for v in 9223372036854775805..=9223372036854775807 { s.push(v) } s"),
    "[9223372036854775805, 9223372036854775806, 9223372036854775807]",
  );
  assert.equal(
    run("let s = []; for v in range(9223372036854775800, 9223372036854775807, 3) { s.push(v) } s"),
    "[9223372036854775800, 9223372036854775803, 9223372036854775806]",
  );
  assert.equal(run('let s = []; for c in "hé" { s.push(c) } s'), "['h', 'é']");
  assert.equal(run("let s = 0; for b in blob(3, 2) { s += b } s"), "6");
  assert.equal(fails("for x in 42 {}"), "ErrorFor");
});

test("host objects iterate through iter$ or their iterable data, and print through to_string", () => {
  const e = new Engine();
  e.registerType("Bag", { toString: (b) => `Bag(${(b as RCustom).data})` });
  e.registerType("Seq");
  e.registerFn("bag", [], () => new RCustom("Bag", [1, 2, 3]));
  e.registerFn("seq", [], () => new RCustom("Seq", 3));
  e.registerFn("iter$", ["Seq"], ([s]) => {
    const out: Value[] = [];
    for (let i = 0; i < Number((s as RCustom).data); i++) out.push(i * 10);
    return out;
  });
  e.registerFn("opaque", [], () => new RCustom("Bag", 7));
  assert.equal(run("let s = 0; for x in bag() { s += x } s", e), "6");
  assert.equal(run("let s = []; for x in seq() { s.push(x) } s", e), "[0, 10, 20]");
  assert.equal(fails("for x in opaque() {}", e), "ErrorFor");
  assert.equal(run("to_string(bag())", e), '"Bag(1,2,3)"');
  const printed: string[] = [];
  new Engine({ onPrint: (t) => printed.push(t) })
    .registerType("Bag", { toString: () => "a bag" })
    .registerFn("bag", [], () => new RCustom("Bag", []))
    .eval("print(bag()); print([1, 'x'])");
  assert.deepEqual(printed, ["a bag", "[1, 'x']"]);
});
