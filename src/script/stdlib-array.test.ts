import assert from "node:assert/strict";
import { test } from "node:test";
import { rhaiEval } from "../../test/kit/rhai-eval.js";
import { Engine } from "./index.js";

// Direct tests of the array functions (Rhai's src/packages/array_basic.rs at f1f06ab9). Expected values
// follow Rhai's implementation, including its index rules (`calc_offset_len`: a negative start counts
// from the end and clamps at 0; a start past the end gives an empty window; `calc_index` for `remove`).

const engine = new Engine();
const { dbg, errKind } = rhaiEval(engine);
/** Runs `body` on `let x = <init>;` and returns `[x, result]`. */
const mut = (init: string, body: string) => dbg(`let x = ${init}; let r = ${body}; [x, r]`);

test("array: len, is_empty, get and set with Rhai's index clamping", () => {
  assert.equal(dbg("[1, 2, 3].len()"), "3");
  assert.equal(dbg("[].len"), "0");
  assert.equal(dbg("[].is_empty()"), "true");
  assert.equal(dbg("[0].is_empty"), "false");
  assert.equal(dbg("[1, 2, 3].get(0)"), "1");
  assert.equal(dbg("[1, 2, 3].get(-1)"), "3");
  assert.equal(dbg("[1, 2, 3].get(3)"), "()");
  assert.equal(dbg("[].get(0)"), "()");
  // calc_offset_len clamps a start before the beginning to 0 (the doc comment says `()`; the code wins)
  assert.equal(dbg("[1, 2, 3].get(-99)"), "1");
  assert.equal(mut("[1, 2, 3]", "x.set(-3, 0)"), "[[0, 2, 3], ()]");
  assert.equal(mut("[1, 2, 3]", "x.set(99, 0)"), "[[1, 2, 3], ()]");
  assert.equal(mut("[1, 2, 3]", "x.set(-99, 0)"), "[[0, 2, 3], ()]");
  assert.equal(mut("[]", "x.set(0, 1)"), "[[], ()]");
});

test("array: push, append, +, insert, pad", () => {
  assert.equal(mut("[1]", 'x.push("a")'), '[[1, "a"], ()]');
  assert.equal(mut("[1]", "x.append([2, 3])"), "[[1, 2, 3], ()]");
  assert.equal(mut("[]", "x.append([2])"), "[[2], ()]");
  assert.equal(mut("[1]", "x.append([])"), "[[1], ()]");
  assert.equal(dbg("let x = [1]; let y = x + [2]; [x, y, [] + [3], [4] + []]"), "[[1], [1, 2], [3], [4]]");
  assert.equal(dbg("let x = [1]; x += [2, 3]; x += 4; x"), "[1, 2, 3, 4]");
  assert.equal(mut("[]", "x.insert(5, 1)"), "[[1], ()]");
  assert.equal(mut("[1, 2, 3]", "x.insert(99, 4)"), "[[1, 2, 3, 4], ()]");
  assert.equal(mut("[1, 2, 3]", "x.insert(-1, 4)"), "[[1, 2, 4, 3], ()]");
  assert.equal(mut("[1, 2, 3]", "x.insert(-99, 0)"), "[[0, 1, 2, 3], ()]");
  assert.equal(mut("[1]", "x.pad(3, 0)"), "[[1, 0, 0], ()]");
  assert.equal(mut("[1, 2]", "x.pad(1, 0)"), "[[1, 2], ()]");
  assert.equal(mut("[1]", "x.pad(-5, 0)"), "[[1], ()]");
  // padding clones the value: each element is its own array
  assert.equal(dbg("let x = []; x.pad(2, [0]); x[0].push(1); x"), "[[0, 1], [0]]");
  const small = new Engine({ limits: { maxArraySize: 10 } });
  assert.equal(errKind("let x = [1]; x.pad(11, 0)", small), "ErrorDataTooLarge");
  assert.equal(dbg("let x = [1]; x.pad(10, 0); x.len()", small), "10");
});

test("array: pop, shift, remove, clear, truncate, chop, reverse", () => {
  assert.equal(mut("[1, 2, 3]", "x.pop()"), "[[1, 2], 3]");
  assert.equal(mut("[]", "x.pop()"), "[[], ()]");
  assert.equal(mut("[1, 2, 3]", "x.shift()"), "[[2, 3], 1]");
  assert.equal(mut("[]", "x.shift()"), "[[], ()]");
  assert.equal(mut("[1, 2, 3]", "x.remove(1)"), "[[1, 3], 2]");
  assert.equal(mut("[1, 2, 3]", "x.remove(-1)"), "[[1, 2], 3]");
  assert.equal(mut("[1, 2, 3]", "x.remove(-3)"), "[[2, 3], 1]");
  // calc_index: out of range either way leaves the array alone
  assert.equal(mut("[1, 2, 3]", "x.remove(-4)"), "[[1, 2, 3], ()]");
  assert.equal(mut("[1, 2, 3]", "x.remove(3)"), "[[1, 2, 3], ()]");
  assert.equal(mut("[]", "x.remove(0)"), "[[], ()]");
  assert.equal(mut("[1, 2]", "x.clear()"), "[[], ()]");
  assert.equal(mut("[1, 2, 3]", "x.truncate(2)"), "[[1, 2], ()]");
  assert.equal(mut("[1, 2, 3]", "x.truncate(9)"), "[[1, 2, 3], ()]");
  assert.equal(mut("[1, 2, 3]", "x.truncate(0)"), "[[], ()]");
  assert.equal(mut("[1, 2, 3]", "x.truncate(-1)"), "[[], ()]");
  assert.equal(mut("[1, 2, 3]", "x.chop(2)"), "[[2, 3], ()]");
  assert.equal(mut("[1, 2, 3]", "x.chop(3)"), "[[1, 2, 3], ()]");
  assert.equal(mut("[1, 2, 3]", "x.chop(0)"), "[[], ()]");
  assert.equal(mut("[1, 2, 3]", "x.chop(-2)"), "[[], ()]");
  assert.equal(mut("[1, 2, 3]", "x.reverse()"), "[[3, 2, 1], ()]");
  assert.equal(mut("[]", "x.reverse()"), "[[], ()]");
});

test("array: extract, split", () => {
  const a = "[1, 2, 3, 4, 5]";
  assert.equal(mut(a, "x.extract(1, 2)"), "[[1, 2, 3, 4, 5], [2, 3]]");
  assert.equal(mut(a, "x.extract(-2, 9)"), "[[1, 2, 3, 4, 5], [4, 5]]");
  assert.equal(mut(a, "x.extract(-99, 2)"), "[[1, 2, 3, 4, 5], [1, 2]]");
  assert.equal(mut(a, "x.extract(5, 1)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.extract(1, 0)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.extract(1, -1)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut("[]", "x.extract(0, 1)"), "[[], []]");
  assert.equal(mut(a, "x.extract(3)"), "[[1, 2, 3, 4, 5], [4, 5]]");
  assert.equal(mut(a, "x.extract(-1)"), "[[1, 2, 3, 4, 5], [5]]");
  assert.equal(mut(a, "x.extract(9)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.extract(1..3)"), "[[1, 2, 3, 4, 5], [2, 3]]");
  assert.equal(mut(a, "x.extract(1..=3)"), "[[1, 2, 3, 4, 5], [2, 3, 4]]");
  assert.equal(mut(a, "x.extract(3..1)"), "[[1, 2, 3, 4, 5], []]");
  // end = max(end, start), so a reversed inclusive range still covers its start (3..=1 → [3])
  assert.equal(mut(a, "x.extract(3..=1)"), "[[1, 2, 3, 4, 5], [4]]");
  assert.equal(mut(a, "x.drain(3..=0)"), "[[1, 2, 3, 5], [4]]");
  assert.equal(mut(a, "x.extract(-3..2)"), "[[1, 2, 3, 4, 5], [1, 2]]");
  assert.equal(mut(a, "x.extract(4..=99)"), "[[1, 2, 3, 4, 5], [5]]");
  assert.equal(mut(a, "x.split(2)"), "[[1, 2], [3, 4, 5]]");
  assert.equal(mut(a, "x.split(-2)"), "[[1, 2, 3], [4, 5]]");
  assert.equal(mut(a, "x.split(0)"), "[[], [1, 2, 3, 4, 5]]");
  assert.equal(mut(a, "x.split(-99)"), "[[], [1, 2, 3, 4, 5]]");
  assert.equal(mut(a, "x.split(5)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut("[]", "x.split(1)"), "[[], []]");
});

test("array: splice (start, len) inserts at start when len is 0; a start past the end appends", () => {
  const a = "[1, 2, 3]";
  assert.equal(mut(a, "x.splice(1, 1, [8, 9])"), "[[1, 8, 9, 3], ()]");
  assert.equal(mut(a, "x.splice(1, 0, [9])"), "[[1, 9, 2, 3], ()]");
  assert.equal(mut(a, "x.splice(1, -4, [9])"), "[[1, 9, 2, 3], ()]");
  assert.equal(mut(a, "x.splice(-1, 5, [9])"), "[[1, 2, 9], ()]");
  assert.equal(mut(a, "x.splice(-99, 1, [])"), "[[2, 3], ()]");
  assert.equal(mut(a, "x.splice(3, 1, [9])"), "[[1, 2, 3, 9], ()]");
  assert.equal(mut("[]", "x.splice(7, 2, [9])"), "[[9], ()]");
  assert.equal(mut(a, "x.splice(0..2, [7])"), "[[7, 3], ()]");
  assert.equal(mut(a, "x.splice(1..=1, [7, 7])"), "[[1, 7, 7, 3], ()]");
  assert.equal(mut(a, "x.splice(2..1, [7])"), "[[1, 2, 7, 3], ()]");
  assert.equal(mut(a, "x.splice(5..9, [7])"), "[[1, 2, 3, 7], ()]");
});

test("array: drain and retain by range keep Rhai's empty-window rules", () => {
  const a = "[1, 2, 3, 4, 5]";
  assert.equal(mut(a, "x.drain(1, 2)"), "[[1, 4, 5], [2, 3]]");
  assert.equal(mut(a, "x.drain(-2, 9)"), "[[1, 2, 3], [4, 5]]");
  assert.equal(mut(a, "x.drain(1, 0)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.drain(9, 1)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut("[]", "x.drain(0, 1)"), "[[], []]");
  assert.equal(mut(a, "x.drain(1..3)"), "[[1, 4, 5], [2, 3]]");
  assert.equal(mut(a, "x.drain(1..=3)"), "[[1, 5], [2, 3, 4]]");
  assert.equal(mut(a, "x.drain(3..3)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.retain(1, 2)"), "[[2, 3], [1, 4, 5]]");
  assert.equal(mut(a, "x.retain(-1, 1)"), "[[5], [1, 2, 3, 4]]");
  assert.equal(mut(a, "x.retain(1..3)"), "[[2, 3], [1, 4, 5]]");
  assert.equal(mut(a, "x.retain(1..=3)"), "[[2, 3, 4], [1, 5]]");
  // retain_range: len <= 0 or a window past the end returns [] and leaves the array alone
  assert.equal(mut(a, "x.retain(1, 0)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.retain(9, 2)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.retain(3..3)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut(a, "x.retain(7..=9)"), "[[1, 2, 3, 4, 5], []]");
  assert.equal(mut("[]", "x.retain(0, 1)"), "[[], []]");
});

test("array: contains, index_of (value, start, predicate, function name)", () => {
  const a = "[1, 2, 3, 4, 1, 2]";
  assert.equal(dbg(`${a}.contains(3)`), "true");
  assert.equal(dbg(`${a}.contains("3")`), "false");
  assert.equal(dbg(`[].contains(1)`), "false");
  assert.equal(dbg(`3 in ${a}`), "true");
  assert.equal(dbg(`9 !in ${a}`), "true");
  assert.equal(dbg(`${a}.index_of(2)`), "1");
  assert.equal(dbg(`${a}.index_of(9)`), "-1");
  assert.equal(dbg(`[].index_of(9)`), "-1");
  assert.equal(dbg(`${a}.index_of(2, 2)`), "5");
  assert.equal(dbg(`${a}.index_of(1, -2)`), "4");
  assert.equal(dbg(`${a}.index_of(1, -99)`), "0");
  assert.equal(dbg(`${a}.index_of(1, 99)`), "-1");
  assert.equal(dbg(`${a}.index_of(|v| v > 2)`), "2");
  assert.equal(dbg(`${a}.index_of(|v| v > 9)`), "-1");
  assert.equal(dbg(`${a}.index_of(|v, i| i > 3 && v == 2)`), "5");
  assert.equal(dbg(`${a}.index_of(|v| v < 3, 2)`), "4");
  assert.equal(dbg(`${a}.index_of(|v| v < 3, -1)`), "5");
  assert.equal(dbg(`${a}.index_of(|v| v < 3, -99)`), "0");
  assert.equal(dbg(`${a}.index_of(|| this == 4)`), "3");
  // a predicate's non-bool result counts as false (as_bool().unwrap_or(false))
  assert.equal(dbg(`${a}.index_of(|v| 1)`), "-1");
  // deprecated: a string names a script function; otherwise it is a value to look for
  assert.equal(dbg(`fn big(x) { x > 3 } ${a}.index_of("big")`), "3");
  assert.equal(dbg(`fn big(x) { x > 3 } ${a}.index_of("big", 4)`), "-1");
  assert.equal(dbg(`["a", "big"].index_of("big")`), "1");
  assert.equal(dbg(`["big", "a", "big"].index_of("big", -1)`), "2");
  assert.equal(dbg(`["big", "a"].index_of("big", -99)`), "0");
});

test("array: map, filter, for_each, some, all, find, find_map with every callback shape", () => {
  assert.equal(dbg("[1, 2, 3].map(|v| v * 2)"), "[2, 4, 6]");
  assert.equal(dbg("[1, 2, 3].map(|v, i| v * i)"), "[0, 2, 6]");
  assert.equal(dbg("[1, 2, 3].map(|| this + 1)"), "[2, 3, 4]");
  assert.equal(dbg("[].map(|v| v)"), "[]");
  assert.equal(dbg('fn dbl(x) { x * 2 } [1, 2].map("dbl")'), "[2, 4]");
  assert.equal(dbg('fn dbl(x) { x * 2 } [1, 2].map(Fn("dbl"))'), "[2, 4]");
  assert.equal(dbg("[1, 2, 3].filter(|v| v != 2)"), "[1, 3]");
  assert.equal(dbg("[1, 2, 3].filter(|v, i| i == 2)"), "[3]");
  assert.equal(dbg("[1, 2, 3].filter(|v| ())"), "[]");
  assert.equal(dbg("let x = [1, 2, 3]; x.for_each(|| this *= 10); x"), "[10, 20, 30]");
  assert.equal(dbg("let x = [1, 2, 3]; x.for_each(|i| this += i); x"), "[1, 3, 5]");
  // a one-parameter for_each callback receives the index (the element is `this`)
  assert.equal(dbg("let s = []; [1, 2].for_each(|v| s.push(v)); s"), "[0, 1]");
  assert.equal(dbg("[1, 2].some(|v| v > 1)"), "true");
  assert.equal(dbg("[1, 2].some(|v| v > 2)"), "false");
  assert.equal(dbg("[].some(|v| true)"), "false");
  assert.equal(dbg("[1, 2].all(|v| v > 0)"), "true");
  assert.equal(dbg("[1, 2].all(|v, i| i == 0)"), "false");
  assert.equal(dbg("[].all(|v| false)"), "true");
  assert.equal(dbg("[1, 5, 7].find(|v| v > 3)"), "5");
  assert.equal(dbg("[1, 5, 7].find(|v| v > 9)"), "()");
  assert.equal(dbg("[1, 5, 7].find(|v| v > 3, 2)"), "7");
  assert.equal(dbg("[1, 5, 7].find(|v| v > 0, -1)"), "7");
  assert.equal(dbg("[1, 5, 7].find(|v| v > 0, 9)"), "()");
  assert.equal(dbg("[#{a: 1}, #{b: 2}].find_map(|v| v.b)"), "2");
  assert.equal(dbg("[#{a: 1}, #{b: 2}].find_map(|v| v.c)"), "()");
  assert.equal(dbg("[#{b: 1}, #{b: 2}].find_map(|v| v.b, 1)"), "2");
  assert.equal(dbg("[#{b: 1}, #{b: 2}].find_map(|v| v.b, -2)"), "1");
  assert.equal(dbg("[].find_map(|v| v, 0)"), "()");
  // an error inside the callback propagates
  assert.notEqual(errKind("[1].map(|v| v.foo())"), "");
});

test("array: reduce and reduce_rev (with and without an initial value, with the index)", () => {
  assert.equal(dbg("[1, 2, 3].reduce(|r, v| (r ?? 0) + v)"), "6");
  assert.equal(dbg("[1, 2, 3].reduce(|r, v| r + v, 10)"), "16");
  assert.equal(dbg("[1, 2, 3].reduce(|r, v, i| r + v * i, 0)"), "8");
  assert.equal(dbg("[].reduce(|r, v| r + v, 7)"), "7");
  assert.equal(dbg("[].reduce(|r, v| r + v)"), "()");
  assert.equal(dbg('["a", "b", "c"].reduce(|r, v| r + v, "")'), '"abc"');
  assert.equal(dbg('["a", "b", "c"].reduce_rev(|r, v| r + v, "")'), '"cba"');
  assert.equal(dbg("[1, 2, 3].reduce_rev(|r, v| (r ?? 0) + v)"), "6");
  assert.equal(dbg('[1, 2, 3].reduce_rev(|r, v, i| r + i.to_string(), "")'), '"210"');
  assert.equal(dbg("[1, 2, 3].reduce(|r| r + this, 0)"), "6");
});

test("array: callback-driven drain, retain and dedup", () => {
  assert.equal(mut("[1, 2, 3, 4]", "x.drain(|v| v % 2 == 0)"), "[[1, 3], [2, 4]]");
  assert.equal(mut("[1, 2, 3, 4]", "x.drain(|v, i| i >= 2)"), "[[1, 2], [3, 4]]");
  assert.equal(mut("[]", "x.drain(|v| true)"), "[[], []]");
  assert.equal(mut("[1, 2, 3, 4]", "x.retain(|v| v % 2 == 0)"), "[[2, 4], [1, 3]]");
  assert.equal(mut("[1, 2, 3, 4]", "x.retain(|v, i| i < 1)"), "[[1], [2, 3, 4]]");
  assert.equal(mut("[1, 1, 2, 2, 1]", "x.dedup()"), "[[1, 2, 1], ()]");
  assert.equal(mut('[1, 1, "1", "1"]', "x.dedup()"), '[[1, "1"], ()]');
  assert.equal(mut("[]", "x.dedup()"), "[[], ()]");
  // the comparer gets (previous kept, current)
  assert.equal(mut("[1, 2, 3, 1, 5]", "x.dedup(|a, b| a >= b)"), "[[1, 2, 3, 5], ()]");
  assert.equal(mut("[1, 2, 3]", "x.dedup(|a, b| b - a == 1)"), "[[1, 3], ()]");
});

test("array: zip", () => {
  assert.equal(dbg("[1, 2, 3].zip([10, 20], |a, b| a + b)"), "[11, 22]");
  assert.equal(dbg("[1, 2].zip([10, 20, 30], |a, b, i| a + b + i)"), "[11, 23]");
  assert.equal(dbg("[].zip([], |a, b| a)"), "[]");
});

test("array: built-in sort / sort_desc / order / order_desc per element type", () => {
  assert.equal(mut("[3, 1, 2]", "x.sort()"), "[[1, 2, 3], ()]");
  assert.equal(mut("[3, 1, 2]", "x.sort_desc()"), "[[3, 2, 1], ()]");
  assert.equal(mut("['c', 'a', 'b']", "x.sort()"), "[['a', 'b', 'c'], ()]");
  assert.equal(mut('["b", "a", "B"]', "x.sort()"), '[["B", "a", "b"], ()]');
  assert.equal(mut("[2.5, -1.0, 0.5]", "x.sort()"), "[[-1.0, 0.5, 2.5], ()]");
  assert.equal(mut("[2.5, -1.0, 0.5]", "x.sort_desc()"), "[[2.5, 0.5, -1.0], ()]");
  assert.equal(mut("[true, false, true]", "x.sort()"), "[[false, true, true], ()]");
  assert.equal(mut("[true, false, true]", "x.sort_desc()"), "[[true, true, false], ()]");
  assert.equal(mut("[(), ()]", "x.sort()"), "[[(), ()], ()]");
  assert.equal(mut("[[2]]", "x.sort()"), "[[[2]], ()]");
  assert.equal(mut("[3, 1, 2]", "x.order()"), "[[3, 1, 2], [1, 2, 3]]");
  assert.equal(mut("[3, 1, 2]", "x.order_desc()"), "[[3, 1, 2], [3, 2, 1]]");
  // different element types, or a type without an ordering, cannot be sorted
  assert.equal(errKind('let x = [1, "a"]; x.sort()'), "ErrorFunctionNotFound");
  assert.equal(errKind("let x = [1, 2.0]; x.sort_desc()"), "ErrorFunctionNotFound");
  assert.equal(errKind("let x = [[2], [1]]; x.sort()"), "ErrorFunctionNotFound");
  assert.equal(errKind("[#{}, #{}].order()"), "ErrorFunctionNotFound");
});

test("array: sort / order with a comparer (integer or bool result)", () => {
  assert.equal(mut("[1, 3, 2]", "x.sort(|a, b| b - a)"), "[[3, 2, 1], ()]");
  assert.equal(mut("[1, 3, 2]", "x.sort_by(|a, b| a - b)"), "[[1, 2, 3], ()]");
  assert.equal(mut("[1, 3, 2]", "x.order(|a, b| b - a)"), "[[1, 3, 2], [3, 2, 1]]");
  assert.equal(mut("[1, 3, 2]", "x.order_by(|a, b| a - b)"), "[[1, 3, 2], [1, 2, 3]]");
  assert.equal(mut("[]", "x.sort(|a, b| a - b)"), "[[], ()]");
  // sort_by reads a bool as true → Less, false → Greater (array_basic.rs sort_by)
  assert.equal(mut("[1, 3, 2]", "x.sort(|a, b| a > b)"), "[[3, 2, 1], ()]");
  assert.equal(mut("[1, 3, 2]", "x.order(|a, b| a < b)"), "[[1, 3, 2], [1, 2, 3]]");
  assert.equal(mut('["bb", "a", "ccc"]', "x.sort(|a, b| a.len() - b.len())"), '[["a", "bb", "ccc"], ()]');
});

test("array: equality and comparisons", () => {
  assert.equal(dbg("[1, 2] == [1, 2]"), "true");
  assert.equal(dbg("[1, 2] == [1, 2, 3]"), "false");
  assert.equal(dbg("[1, 2] != [1, 3]"), "true");
  assert.equal(dbg("[] == []"), "true");
  assert.equal(dbg('[1, "a"] == [1, "a"]'), "true");
  assert.equal(dbg('[1] == ["1"]'), "false");
  assert.equal(dbg("[[1], #{a: 2}] == [[1], #{a: 2}]"), "true");
});
