// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Rhai source text, where ${…} is Rhai interpolation
import assert from "node:assert/strict";
import { test } from "node:test";
import { rhaiEval } from "../../test/kit/rhai-eval.js";
import { Engine } from "./index.js";

// Direct tests of the math functions (Rhai's src/packages/math_basic.rs and arithmetic.rs at f1f06ab9;
// float Display/Debug as FloatWrapper in src/types/float.rs).

const engine = new Engine();
const { dbg, errKind } = rhaiEval(engine);
const near = (src: string, want: number) => {
  const got = Number(dbg(src));
  assert.ok(Math.abs(got - want) < 1e-12, `${src} = ${got}, want ${want}`);
};

test("math: parse_int with and without a radix (Rust's from_str_radix)", () => {
  assert.equal(dbg('parse_int("42")'), "42");
  assert.equal(dbg('parse_int("  -42 ")'), "-42");
  assert.equal(dbg('parse_int("+7")'), "7");
  assert.equal(dbg('parse_int("ff", 16)'), "255");
  assert.equal(dbg('parse_int("FF", 16)'), "255");
  assert.equal(dbg('parse_int("-101", 2)'), "-5");
  assert.equal(dbg('parse_int("z", 36)'), "35");
  assert.equal(dbg('parse_int("9223372036854775807")'), "9223372036854775807");
  assert.equal(dbg('parse_int("-9223372036854775808")'), "-9223372036854775808");
  for (const bad of ['"9223372036854775808"', '""', '"1_000"', '"12a"', '"0x10"', '"-"', '"1 2"'])
    assert.equal(errKind(`parse_int(${bad})`), "ErrorArithmetic", bad);
  assert.equal(errKind('parse_int("12", 1)'), "ErrorArithmetic");
  assert.equal(errKind('parse_int("12", 37)'), "ErrorArithmetic");
  assert.equal(errKind('parse_int("2", 2)'), "ErrorArithmetic");
});

test("math: parse_float (Rust's f64 from_str)", () => {
  assert.equal(dbg('parse_float("1.5")'), "1.5");
  assert.equal(dbg('parse_float(" 2 ")'), "2.0");
  assert.equal(dbg('parse_float("1e3")'), "1000.0");
  assert.equal(dbg('parse_float("-2.5E-1")'), "-0.25");
  assert.equal(dbg('parse_float(".5")'), "0.5");
  assert.equal(dbg('parse_float("5.")'), "5.0");
  assert.equal(dbg('parse_float("+3.5")'), "3.5");
  assert.equal(dbg('parse_float("inf")'), "inf");
  assert.equal(dbg('parse_float("-infinity")'), "-inf");
  assert.equal(dbg('parse_float("NaN").is_nan'), "true");
  for (const bad of ['"abc"', '"1.5.2"', '""', '"1e"', '"0x1p3"', '"1_0"'])
    assert.equal(errKind(`parse_float(${bad})`), "ErrorArithmetic", bad);
});

test("math: to_int / to_float conversions", () => {
  assert.equal(dbg("to_int(3.9)"), "3");
  assert.equal(dbg("(-3.9).to_int()"), "-3");
  assert.equal(dbg("to_int(42)"), "42");
  assert.equal(dbg("'A'.to_int()"), "65");
  assert.equal(dbg("'😀'.to_int()"), "128512");
  assert.equal(dbg("to_int(-9223372036854775808.0)"), "-9223372036854775808");
  // only |x| > 2^63 overflows; `as INT` saturates 2^63 to i64::MAX and maps NaN to 0
  assert.equal(dbg("to_int(9223372036854775808.0)"), "9223372036854775807");
  assert.equal(dbg('to_int(parse_float("NaN"))'), "0");
  assert.equal(errKind("to_int(1e19)"), "ErrorArithmetic");
  assert.equal(errKind("to_int(-1e19)"), "ErrorArithmetic");
  assert.equal(errKind("to_int(1.0 / 0.0)"), "ErrorArithmetic");
  assert.equal(dbg("to_float(3)"), "3.0");
  assert.equal(dbg("to_float(2.5)"), "2.5");
  assert.equal(dbg("type_of(to_float(9007199254740993))"), '"f64"');
});

test("math: rounding functions and properties", () => {
  assert.equal(dbg("[2.7.floor(), (-2.7).floor, 2.1.ceiling(), (-2.1).ceiling]"), "[2.0, -3.0, 3.0, -2.0]");
  assert.equal(dbg("[2.5.round(), (-2.5).round, 2.4.round, 0.5.round()]"), "[3.0, -3.0, 2.0, 1.0]");
  assert.equal(dbg("[2.7.int(), (-2.7).int, 2.75.fraction(), (-2.75).fraction]"), "[2.0, -2.0, 0.75, -0.75]");
  assert.equal(
    dbg("let x = 1.0 / 0.0; [x.is_infinite, x.is_finite, x.is_nan, 1.0.is_finite()]"),
    "[true, false, false, true]",
  );
  assert.equal(
    dbg('let n = parse_float("NaN"); [n.is_nan(), n.is_infinite(), n.is_finite]'),
    "[true, false, false]",
  );
});

test("math: abs, sign, is_zero, is_odd, is_even, min, max", () => {
  assert.equal(dbg("[abs(-5), abs(5), abs(-2.5), (-0.0).abs()]"), "[5, 5, 2.5, 0.0]");
  assert.equal(
    dbg("[sign(-7), sign(0), sign(9), sign(-0.5), sign(0.0), sign(-0.0), sign(1.0 / 0.0)]"),
    "[-1, 0, 1, -1, 0, 0, 1]",
  );
  assert.equal(errKind('sign(parse_float("NaN"))'), "ErrorArithmetic");
  assert.equal(errKind("abs(-9223372036854775807 - 1)"), "ErrorArithmetic");
  assert.equal(
    dbg("[0.is_zero, 1.is_zero(), 0.0.is_zero, 3.is_odd, 3.is_even(), (-4).is_even, (-3).is_odd()]"),
    "[true, false, true, true, false, true, true]",
  );
  assert.equal(
    dbg("[max(1, 2), min(1, 2), max(1, 2.5), min(3.5, 2), max(-1.5, -2.5)]"),
    "[2, 1, 2.5, 2.0, -1.5]",
  );
  assert.equal(dbg("max(9223372036854775807, 1)"), "9223372036854775807");
});

test("math: exponential, logarithmic and trigonometric functions", () => {
  assert.equal(dbg("sqrt(16.0)"), "4.0");
  assert.equal(dbg("sqrt(-1.0).is_nan"), "true");
  assert.equal(dbg("exp(0.0)"), "1.0");
  near("ln(E())", 1);
  assert.equal(dbg("log(1000.0)"), "3.0");
  near("log(8.0, 2.0)", 3);
  near("sin(PI() / 2.0)", 1);
  near("cos(0.0)", 1);
  near("tan(PI() / 4.0)", 1);
  near("asin(1.0)", Math.PI / 2);
  near("acos(1.0)", 0);
  near("atan(1.0)", Math.PI / 4);
  near("atan(1.0, -1.0)", (3 * Math.PI) / 4);
  near("sinh(1.0)", Math.sinh(1));
  near("cosh(1.0)", Math.cosh(1));
  near("tanh(1.0)", Math.tanh(1));
  near("asinh(1.0)", Math.asinh(1));
  near("acosh(2.0)", Math.acosh(2));
  near("atanh(0.5)", Math.atanh(0.5));
  assert.equal(dbg("hypot(3.0, 4.0)"), "5.0");
  assert.equal(dbg("to_degrees(PI())"), "180.0");
  near("to_radians(180.0)", Math.PI);
  assert.equal(dbg("ln(0.0)"), "-inf");
});

test("math: to_hex / to_octal / to_binary and float text forms", () => {
  assert.equal(
    dbg("[to_hex(255), to_hex(-1), to_octal(8), to_binary(5), to_binary(0)]"),
    '["ff", "ffffffffffffffff", "10", "101", "0"]',
  );
  // Display: plain digits between 1e-13 and 1e13 (with .0 for whole numbers), else `{:e}`
  assert.equal(
    dbg(
      "[1.0.to_string(), 0.1.to_string(), 1e13.to_string(), 1e14.to_string(), 1.5e-14.to_string(), (-0.0).to_string()]",
    ),
    '["1.0", "0.1", "10000000000000.0", "1e14", "1.5e-14", "0.0"]',
  );
  // Debug: Rust's f64 Debug (exponent form from 1e16 and below 1e-4)
  assert.equal(
    dbg("[1e15, 1e16, 0.0001, 0.00001, 123.456]"),
    "[1000000000000000.0, 1e16, 0.0001, 1e-5, 123.456]",
  );
  assert.equal(dbg("`${0.5}|${2.0}|${1e20}`"), '"0.5|2.0|1e20"');
});

// Rhai's float functions take FLOAT only (math_basic.rs float_functions / trig_functions: no INT
// overloads, no implicit INT → FLOAT), and to_int has no bool form.
test("math: float functions do not take integers", () => {
  assert.equal(errKind("sqrt(4)"), "ErrorFunctionNotFound");
  assert.equal(errKind("floor(4)"), "ErrorFunctionNotFound");
  assert.equal(errKind("sin(0)"), "ErrorFunctionNotFound");
  assert.equal(errKind("log(100, 10)"), "ErrorFunctionNotFound");
  assert.equal(errKind("to_int(true)"), "ErrorFunctionNotFound");
  // the mixed forms Rhai does register stay (logic.rs max_if_64 / min_fi_64, to_float(INT))
  assert.equal(dbg("[max(1, 2.0), min(2.0, 1), to_float(1), sqrt(to_float(4))]"), "[2.0, 1.0, 1.0, 2.0]");
});
