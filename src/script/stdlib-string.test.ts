import assert from "node:assert/strict";
import { test } from "node:test";
import { rhaiEval } from "../../test/kit/rhai-eval.js";
import { Engine } from "./index.js";

// Direct tests of the string functions (Rhai's src/packages/string_more.rs and string_basic.rs at
// f1f06ab9). Lengths and indices count chars (Unicode scalar values), not bytes or UTF-16 units.

const engine = new Engine();
const { dbg, errKind } = rhaiEval(engine);
/** `let s = <init>; let r = <body>; [s, r]`. */
const mut = (init: string, body: string) => dbg(`let s = ${init}; let r = ${body}; [s, r]`);

test("string: len, bytes, is_empty, get, set, chars", () => {
  assert.equal(
    dbg('["héllo😀".len(), "héllo😀".bytes, "".len, "".is_empty(), "a".is_empty]'),
    "[6, 10, 0, true, false]",
  );
  assert.equal(dbg('"a😀c".get(1)'), "'😀'");
  assert.equal(dbg('"abc".get(-1)'), "'c'");
  assert.equal(dbg('"abc".get(-3)'), "'a'");
  assert.equal(dbg('"abc".get(-4)'), "()");
  assert.equal(dbg('"abc".get(3)'), "()");
  assert.equal(dbg('"a😀c"[1]'), "'😀'");
  assert.equal(mut('"abc"', "s.set(1, 'X')"), '["aXc", ()]');
  assert.equal(mut('"abc"', "s.set(-1, 'Z')"), '["abZ", ()]');
  assert.equal(mut('"abc"', "s.set(5, 'Z')"), '["abc", ()]');
  assert.equal(mut('"abc"', "s.set(-5, 'Z')"), '["abc", ()]');
  assert.equal(dbg('"a😀".chars()'), "['a', '😀']");
  assert.equal(dbg('"abcd".chars(1)'), "['b', 'c', 'd']");
  assert.equal(dbg('"abcd".chars(-1)'), "['d']");
  assert.equal(dbg('"abcd".chars(1, 2)'), "['b', 'c']");
  assert.equal(dbg('"abcd".chars(1..3)'), "['b', 'c']");
  assert.equal(dbg('"abcd".chars(1..=3)'), "['b', 'c', 'd']");
  assert.equal(dbg('"".to_chars()'), "[]");
  assert.equal(dbg('let n = 0; for c in "héllo" { n += 1 } n'), "5");
});

test("string: case mapping (a char whose mapping is several chars stays)", () => {
  assert.equal(dbg('"Hello ß".to_upper()'), '"HELLO SS"');
  assert.equal(dbg('"HeLLo".to_lower()'), '"hello"');
  assert.equal(dbg("'a'.to_upper()"), "'A'");
  assert.equal(dbg("'Q'.to_lower()"), "'q'");
  assert.equal(dbg("'ß'.to_upper()"), "'ß'");
  assert.equal(dbg("'İ'.to_lower()"), "'İ'");
  assert.equal(mut('"MiXed"', "s.make_upper()"), '["MIXED", ()]');
  assert.equal(mut('"MiXed"', "s.make_lower()"), '["mixed", ()]');
  assert.equal(dbg("let c = 'x'; c.make_upper(); c"), "'X'");
  assert.equal(dbg("let c = 'X'; c.make_lower(); c"), "'x'");
});

test("string: contains, starts_with, ends_with, index_of", () => {
  assert.equal(
    dbg('["abc".contains("bc"), "abc".contains(\'d\'), "abc".contains("")]'),
    "[true, false, true]",
  );
  assert.equal(
    dbg('["abc".starts_with("ab"), "abc".starts_with(\'b\'), "abc".ends_with("bc"), "abc".ends_with(\'c\')]'),
    "[true, false, true, true]",
  );
  assert.equal(dbg('"b" in "abc"'), "true");
  assert.equal(dbg("'z' in \"abc\""), "false");
  assert.equal(dbg('"héllo wörld".index_of("wö")'), "6");
  assert.equal(dbg("\"héllo\".index_of('l')"), "2");
  assert.equal(dbg('"abcabc".index_of("bc", 2)'), "4");
  assert.equal(dbg("\"abcabc\".index_of('a', 1)"), "3");
  assert.equal(dbg('"abcabc".index_of("a", -3)'), "3");
  assert.equal(dbg('"abcabc".index_of("a", -99)'), "0");
  assert.equal(dbg("\"abcabc\".index_of('c', -1)"), "5");
  assert.equal(dbg('"abc".index_of("x")'), "-1");
  assert.equal(dbg('"abc".index_of("c", 3)'), "-1");
  // an empty string never finds anything; a start at/after the end finds nothing, not even ""
  assert.equal(dbg('"".index_of("")'), "-1");
  assert.equal(dbg("\"\".index_of('a', 0)"), "-1");
  assert.equal(dbg('"abc".index_of("", 3)'), "-1");
  assert.equal(dbg('"abc".index_of("", 1)'), "1");
});

test("string: sub_string and crop (start, len / start / range)", () => {
  assert.equal(dbg('"héllo".sub_string(1, 3)'), '"éll"');
  assert.equal(dbg('"hello".sub_string(-3, 2)'), '"ll"');
  assert.equal(dbg('"hello".sub_string(-99, 2)'), '"he"');
  assert.equal(dbg('"hello".sub_string(9, 2)'), '""');
  assert.equal(dbg('"hello".sub_string(1, 0)'), '""');
  assert.equal(dbg('"hello".sub_string(1, 99)'), '"ello"');
  assert.equal(dbg('"hello".sub_string(2)'), '"llo"');
  assert.equal(dbg('"hello".sub_string(-2)'), '"lo"');
  assert.equal(dbg('"hello".sub_string(1..3)'), '"el"');
  assert.equal(dbg('"hello".sub_string(1..=3)'), '"ell"');
  assert.equal(dbg('"hello".sub_string(3..1)'), '""');
  assert.equal(dbg('"hello".sub_string(2..=0)'), '"l"');
  assert.equal(dbg('"".sub_string(0, 1)'), '""');
  assert.equal(mut('"hello"', "s.crop(1, 3)"), '["ell", ()]');
  assert.equal(mut('"hello"', "s.crop(-2)"), '["lo", ()]');
  assert.equal(mut('"hello"', "s.crop(2)"), '["llo", ()]');
  assert.equal(mut('"hello"', "s.crop(1, 0)"), '["", ()]');
  assert.equal(mut('"hello"', "s.crop(9)"), '["", ()]');
  assert.equal(mut('"hello"', "s.crop(1..3)"), '["el", ()]');
  assert.equal(mut('"hello"', "s.crop(1..=3)"), '["ell", ()]');
  assert.equal(mut('"hello"', "s.crop(3..=1)"), '["l", ()]');
});

test("string: split variants follow Rust's split / splitn / rsplit / split_whitespace", () => {
  assert.equal(dbg('"a,b,,c".split(",")'), '["a", "b", "", "c"]');
  assert.equal(dbg('"abc".split(",")'), '["abc"]');
  assert.equal(dbg('"".split(",")'), '[""]');
  assert.equal(dbg('"abc".split("")'), '["", "a", "b", "c", ""]');
  assert.equal(dbg('"a,b,c".split(",", 2)'), '["a", "b,c"]');
  assert.equal(dbg('"a,b,c".split(",", 1)'), '["a,b,c"]');
  assert.equal(dbg('"a,b,c".split(",", -1)'), '["a,b,c"]');
  assert.equal(dbg('"a,b,c".split(",", 9)'), '["a", "b", "c"]');
  assert.equal(dbg('"abc".split("", 2)'), '["", "abc"]');
  assert.equal(dbg("\"a-b-c\".split('-')"), '["a", "b", "c"]');
  assert.equal(dbg("\"a-b-c\".split('-', 2)"), '["a", "b-c"]');
  assert.equal(dbg('"a,b,c".split_rev(",")'), '["c", "b", "a"]');
  assert.equal(dbg('"a,b,c".split_rev(",", 2)'), '["c", "a,b"]');
  assert.equal(dbg("\"a-b-c\".split_rev('-', 2)"), '["c", "a-b"]');
  assert.equal(dbg('"".split_rev(",")'), '[""]');
  assert.equal(dbg('" a  b\\tc\\n".split()'), '["a", "b", "c"]');
  assert.equal(dbg('"".split()'), '[""]');
  // split(index) splits at a char index; index <= 0 counts from the end (so 0 keeps everything in front)
  assert.equal(dbg('"héllo".split(2)'), '["hé", "llo"]');
  assert.equal(dbg('"hello".split(-2)'), '["hel", "lo"]');
  assert.equal(dbg('"hello".split(0)'), '["hello", ""]');
  assert.equal(dbg('"hello".split(-9)'), '["", "hello"]');
  assert.equal(dbg('"hello".split(9)'), '["hello", ""]');
});

test("string: replace, remove, trim, truncate, clear, pad, reverse", () => {
  assert.equal(mut('"a-b-c"', 's.replace("-", "+")'), '["a+b+c", ()]');
  assert.equal(mut('"a-b-c"', "s.replace('-', '+')"), '["a+b+c", ()]');
  assert.equal(mut('"a-b-c"', "s.replace('-', \"--\")"), '["a--b--c", ()]');
  assert.equal(mut('"a-b-c"', "s.replace(\"-\", '_')"), '["a_b_c", ()]');
  // Rust's str::replace with an empty pattern inserts at every char boundary
  assert.equal(mut('"abc"', 's.replace("", "-")'), '["-a-b-c-", ()]');
  assert.equal(mut('""', 's.replace("", "-")'), '["", ()]');
  assert.equal(mut('"a-b-c"', 's.remove("-")'), '["abc", ()]');
  assert.equal(mut('"a-b-c"', "s.remove('b')"), '["a--c", ()]');
  assert.equal(dbg('"a-b-c" - "-"'), '"abc"');
  assert.equal(dbg("\"a-b-c\" - 'a'"), '"-b-c"');
  assert.equal(mut('" \\t hi there \\n"', "s.trim()"), '["hi there", ()]');
  assert.equal(mut('"héllo"', "s.truncate(2)"), '["hé", ()]');
  assert.equal(mut('"héllo"', "s.truncate(9)"), '["héllo", ()]');
  assert.equal(mut('"héllo"', "s.truncate(0)"), '["", ()]');
  assert.equal(mut('"héllo"', "s.truncate(-1)"), '["", ()]');
  assert.equal(mut('"abc"', "s.clear()"), '["", ()]');
  assert.equal(mut('"ab"', "s.pad(5, '*')"), '["ab***", ()]');
  assert.equal(mut('"ab"', 's.pad(7, "xyz")'), '["abxyzxy", ()]');
  assert.equal(mut('"abcdef"', 's.pad(3, "x")'), '["abcdef", ()]');
  assert.equal(mut('"ab"', "s.pad(-1, 'x')"), '["ab", ()]');
  assert.equal(mut('"ab"', 's.pad(4, "é")'), '["abéé", ()]');
  const small = new Engine({ limits: { maxStringSize: 10 } });
  assert.equal(errKind("let s = \"a\"; s.pad(11, 'x')", small), "ErrorDataTooLarge");
  assert.equal(dbg('let s = "a"; s.pad(10, "x"); s.len()', small), "10");
  assert.equal(dbg('let s = "a😀b"; s.reverse(); s'), '"b😀a"');
});

test("string: pop, insert, append, +, to_blob and comparisons", () => {
  assert.equal(mut('"abc"', "s.pop()"), "[\"ab\", 'c']");
  assert.equal(mut('""', "s.pop()"), '["", ()]');
  assert.equal(mut('"a😀"', "s.pop()"), "[\"a\", '😀']");
  assert.equal(mut('"hello"', "s.pop(2)"), '["hel", "lo"]');
  assert.equal(mut('"hello"', "s.pop(9)"), '["", "hello"]');
  assert.equal(mut('"hello"', "s.pop(0)"), '["hello", ""]');
  assert.equal(mut('"hello"', "s.pop(-1)"), '["hello", ""]');
  assert.equal(mut('"ac"', "s.insert(1, 'b')"), '["abc", ()]');
  assert.equal(mut('"ab"', "s.insert(-1, 'x')"), '["axb", ()]');
  assert.equal(mut('"ab"', "s.insert(9, 'x')"), '["abx", ()]');
  // append(item) appends the item's to_string form; a blob is read as UTF-8
  assert.equal(mut('"a"', "s.append(1)"), '["a1", ()]');
  assert.equal(mut('"a"', "s.append(1.5)"), '["a1.5", ()]');
  assert.equal(mut('"a"', "s.append([1, 'x'])"), "[\"a[1, 'x']\", ()]");
  assert.equal(mut('"a"', "s.append(())"), '["a", ()]');
  assert.equal(mut('"a"', "s.append('b')"), '["ab", ()]');
  assert.equal(mut('"a"', 's.append("bc".to_blob())'), '["abc", ()]');
  assert.equal(dbg("\"a\" + 1 + 2.0 + true + () + 'c'"), '"a12.0truec"');
  assert.equal(dbg('1 + "a"'), '"1a"');
  assert.equal(dbg("'x' + \"yz\""), '"xyz"');
  assert.equal(dbg('let s = "a"; s += "b"; s += \'c\'; s += 1; s'), '"abc1"');
  assert.equal(dbg('"é".to_blob()'), "[c3a9]");
  assert.equal(dbg('"".to_blob()'), "[]");
  assert.equal(
    dbg('["abc" < "abd", "b" > "abc", "a" <= "a", "B" < "a", "x" == "x", "x" != "y"]'),
    "[true, true, true, true, true, true]",
  );
  assert.equal(
    dbg("[max(\"a\", \"b\"), min(\"a\", \"b\"), max('a', 'b'), min('a', 'b')]"),
    "[\"b\", \"a\", 'b', 'a']",
  );
});

// string_more.rs has `string + blob` / `string += blob` (the blob read as lossy UTF-8).
test("string: + and += with a blob append its UTF-8 text", () => {
  assert.equal(dbg('"abc" + blob(1, 0x64)'), '"abcd"');
  assert.equal(dbg('let s = "abc"; s += blob(1, 0x64); s'), '"abcd"');
});
