import assert from "node:assert/strict";
import { test } from "node:test";
import { rhaiEval } from "../../test/kit/rhai-eval.js";
import { Engine } from "./index.js";

// Direct tests of the BLOB functions (Rhai's src/packages/blob_basic.rs at f1f06ab9, the blob operators
// of src/func/builtin.rs). Blobs print as hex bytes with a space after every 8 (Dynamic's Debug).

const engine = new Engine();
const { dbg, errKind } = rhaiEval(engine);
/** `let b = <blob of bytes 1..=n>; let r = <body>; [b, r]`. */
const mut = (n: number, body: string) =>
  dbg(`let b = blob(); for i in 1..=${n} { b.push(i) } let r = ${body}; [b, r]`);

test("blob: constructors, len, is_empty, Debug and to_string forms", () => {
  assert.equal(dbg("blob()"), "[]");
  assert.equal(dbg("blob(3)"), "[000000]");
  assert.equal(dbg("blob(3, 0x41)"), "[414141]");
  assert.equal(dbg("blob(2, 0x1ff)"), "[ffff]");
  assert.equal(dbg("blob(2, -1)"), "[ffff]");
  assert.equal(dbg("blob(-5)"), "[]");
  assert.equal(dbg("blob(0, 1)"), "[]");
  assert.equal(dbg("blob(9, 1)"), "[0101010101010101 01]");
  assert.equal(dbg("blob(9, 1).to_string()"), '"[0101010101010101 01]"');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Rhai interpolated string
  assert.equal(dbg("`${blob(2, 10)}`"), '"[0a0a]"');
  assert.equal(dbg("type_of(blob())"), '"blob"');
  assert.equal(
    dbg("[blob(4).len(), blob(4).len, blob().is_empty(), blob(1).is_empty]"),
    "[4, 4, true, false]",
  );
  const small = new Engine({ limits: { maxArraySize: 8 } });
  assert.equal(errKind("blob(9)", small), "ErrorDataTooLarge");
  assert.equal(errKind("blob(9, 1)", small), "ErrorDataTooLarge");
  assert.equal(dbg("blob(8).len()", small), "8");
});

test("blob: get, set, indexing and contains mask to a byte", () => {
  assert.equal(dbg("let b = blob(3, 5); b.set(0, 0x1ff); b.set(-1, 7); b"), "[ff0507]");
  assert.equal(mut(3, "b.get(0)"), "[[010203], 1]");
  assert.equal(mut(3, "b.get(-1)"), "[[010203], 3]");
  assert.equal(mut(3, "b.get(3)"), "[[010203], 0]");
  assert.equal(dbg("blob().get(0)"), "0");
  // calc_offset_len clamps a start before the beginning to 0
  assert.equal(mut(3, "b.get(-99)"), "[[010203], 1]");
  assert.equal(mut(3, "b.set(-99, 9)"), "[[090203], ()]");
  assert.equal(mut(3, "b.set(3, 9)"), "[[010203], ()]");
  assert.equal(dbg("let b = blob(); b.set(0, 1); b"), "[]");
  assert.equal(dbg("let b = blob(2); b[0] = 0x1234; b[-1] = -2; [b, b[0], b[1]]"), "[[34fe], 52, 254]");
  assert.equal(errKind("blob(2)[2]"), "ErrorArrayBounds");
  assert.equal(mut(3, "b.contains(2)"), "[[010203], true]");
  assert.equal(mut(3, "b.contains(9)"), "[[010203], false]");
  assert.equal(mut(3, "b.contains(0x102)"), "[[010203], true]");
  assert.equal(dbg("2 in blob(1, 2)"), "true");
});

test("blob: push, append, insert, pad and the + / += operators", () => {
  assert.equal(dbg("let b = blob(); b.push(0x101); b.push(-1); b"), "[01ff]");
  assert.equal(dbg("let b = blob(1, 1); b.append(2); b.append(blob(2, 3)); b"), "[01020303]");
  assert.equal(dbg("let b = blob(); b.append(blob(1, 9)); b"), "[09]");
  assert.equal(dbg('let b = blob(); b.append("é"); b.append(""); b.append(\'A\'); b'), "[c3a941]");
  assert.equal(dbg("blob(1, 1) + blob(1, 2)"), "[0102]");
  assert.equal(dbg("blob() + blob(1, 2)"), "[02]");
  assert.equal(dbg("blob(1, 2) + blob()"), "[02]");
  assert.equal(dbg("blob(1, 0) + 'é'"), "[00c3a9]");
  assert.equal(dbg("let b = blob(); b += 1; b += blob(1, 2); b += 'a'; b"), "[010261]");
  assert.equal(dbg("blob(2, 1) == blob(2, 1)"), "true");
  assert.equal(dbg("blob(2, 1) != blob(3, 1)"), "true");
  assert.equal(mut(3, "b.insert(0, 9)"), "[[09010203], ()]");
  assert.equal(mut(3, "b.insert(-1, 9)"), "[[01020903], ()]");
  assert.equal(mut(3, "b.insert(-99, 9)"), "[[09010203], ()]");
  assert.equal(mut(3, "b.insert(99, 0x109)"), "[[01020309], ()]");
  assert.equal(dbg("let b = blob(); b.insert(5, 1); b"), "[01]");
  assert.equal(mut(2, "b.pad(4, 0x1ff)"), "[[0102ffff], ()]");
  assert.equal(mut(2, "b.pad(1, 0)"), "[[0102], ()]");
  assert.equal(mut(2, "b.pad(-1, 0)"), "[[0102], ()]");
  const small = new Engine({ limits: { maxArraySize: 8 } });
  assert.equal(errKind("let b = blob(); b.pad(9, 0)", small), "ErrorDataTooLarge");
  assert.equal(dbg("let b = blob(); b.pad(8, 1); b.len()", small), "8");
});

test("blob: pop, shift, remove (0 when there is nothing), clear, truncate, chop, reverse", () => {
  assert.equal(mut(3, "b.pop()"), "[[0102], 3]");
  assert.equal(mut(3, "b.shift()"), "[[0203], 1]");
  assert.equal(dbg("let b = blob(); [b.pop(), b.shift(), b.remove(0)]"), "[0, 0, 0]");
  assert.equal(mut(3, "b.remove(1)"), "[[0103], 2]");
  assert.equal(mut(3, "b.remove(-1)"), "[[0102], 3]");
  assert.equal(mut(3, "b.remove(-4)"), "[[010203], 0]");
  assert.equal(mut(3, "b.remove(3)"), "[[010203], 0]");
  assert.equal(mut(3, "b.clear()"), "[[], ()]");
  assert.equal(mut(3, "b.truncate(2)"), "[[0102], ()]");
  assert.equal(mut(3, "b.truncate(9)"), "[[010203], ()]");
  assert.equal(mut(3, "b.truncate(-1)"), "[[], ()]");
  assert.equal(mut(3, "b.chop(2)"), "[[0203], ()]");
  assert.equal(mut(3, "b.chop(3)"), "[[010203], ()]");
  assert.equal(mut(3, "b.chop(0)"), "[[], ()]");
  assert.equal(mut(3, "b.reverse()"), "[[030201], ()]");
  assert.equal(dbg("let b = blob(); b.truncate(1); b.chop(1); b.reverse(); b"), "[]");
});

test("blob: extract, split, drain, retain", () => {
  assert.equal(mut(5, "b.extract(1, 2)"), "[[0102030405], [0203]]");
  assert.equal(mut(5, "b.extract(-2, 9)"), "[[0102030405], [0405]]");
  assert.equal(mut(5, "b.extract(9, 1)"), "[[0102030405], []]");
  assert.equal(mut(5, "b.extract(1, 0)"), "[[0102030405], []]");
  assert.equal(mut(5, "b.extract(2)"), "[[0102030405], [030405]]");
  assert.equal(mut(5, "b.extract(-1)"), "[[0102030405], [05]]");
  assert.equal(mut(5, "b.extract(1..3)"), "[[0102030405], [0203]]");
  assert.equal(mut(5, "b.extract(1..=3)"), "[[0102030405], [020304]]");
  assert.equal(mut(5, "b.extract(3..1)"), "[[0102030405], []]");
  assert.equal(mut(5, "b.extract(3..=1)"), "[[0102030405], [04]]");
  assert.equal(mut(5, "b.split(2)"), "[[0102], [030405]]");
  assert.equal(mut(5, "b.split(-2)"), "[[010203], [0405]]");
  assert.equal(mut(5, "b.split(-99)"), "[[], [0102030405]]");
  assert.equal(mut(5, "b.split(5)"), "[[0102030405], []]");
  assert.equal(dbg("blob().split(0)"), "[]");
  assert.equal(mut(5, "b.drain(1, 2)"), "[[010405], [0203]]");
  assert.equal(mut(5, "b.drain(-1, 5)"), "[[01020304], [05]]");
  assert.equal(mut(5, "b.drain(1, 0)"), "[[0102030405], []]");
  assert.equal(mut(5, "b.drain(9, 1)"), "[[0102030405], []]");
  assert.equal(mut(5, "b.drain(1..3)"), "[[010405], [0203]]");
  assert.equal(mut(5, "b.drain(1..=3)"), "[[0105], [020304]]");
  assert.equal(mut(5, "b.retain(1, 2)"), "[[0203], [010405]]");
  assert.equal(mut(5, "b.retain(-2, 9)"), "[[0405], [010203]]");
  assert.equal(mut(5, "b.retain(1..3)"), "[[0203], [010405]]");
  assert.equal(mut(5, "b.retain(1..=3)"), "[[020304], [0105]]");
  // blob retain: len <= 0 keeps everything; a start past the end takes the whole blob (mem::take)
  assert.equal(mut(5, "b.retain(1, 0)"), "[[0102030405], []]");
  assert.equal(mut(5, "b.retain(3..3)"), "[[0102030405], []]");
  assert.equal(mut(5, "b.retain(9, 1)"), "[[], [0102030405]]");
  assert.equal(mut(5, "b.retain(7..=9)"), "[[], [0102030405]]");
});

test("blob: splice (a zero-length window appends, unlike arrays)", () => {
  assert.equal(mut(3, "b.splice(1, 1, blob(2, 9))"), "[[01090903], ()]");
  assert.equal(mut(3, "b.splice(1, 0, blob(1, 9))"), "[[01020309], ()]");
  assert.equal(mut(3, "b.splice(-1, 9, blob(1, 9))"), "[[010209], ()]");
  assert.equal(mut(3, "b.splice(9, 1, blob(1, 9))"), "[[01020309], ()]");
  assert.equal(mut(3, "b.splice(0..2, blob())"), "[[03], ()]");
  assert.equal(mut(3, "b.splice(1..=1, blob(2, 7))"), "[[01070703], ()]");
  assert.equal(dbg("let b = blob(); b.splice(3, 3, blob(1, 4)); b"), "[04]");
});

test("blob: to_array, as_string (lossy UTF-8), iteration", () => {
  assert.equal(mut(3, "b.to_array()"), "[[010203], [1, 2, 3]]");
  assert.equal(dbg('let b = blob(); b.append("héllo"); b.as_string()'), '"héllo"');
  assert.equal(
    dbg("let b = blob(); b.push(0x61); b.push(0xff); b.push(0x62); b.as_string()"),
    '"a\u{fffd}b"',
  );
  assert.equal(dbg("blob().as_string()"), '""');
  assert.equal(dbg("let s = 0; for x in blob(3, 5) { s += x } s"), "15");
  assert.equal(dbg('"abc".to_blob()'), "[616263]");
});

test("blob: parse_le_int / parse_be_int", () => {
  const b = "let b = blob(); for x in [1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff] { b.push(x) }";
  assert.equal(dbg(`${b} b.parse_le_int(0, 2)`), `${0x0201}`);
  // fewer than 8 bytes go to the front of the buffer: big-endian puts them in the high bytes
  assert.equal(dbg(`${b} b.parse_be_int(0, 2)`), `${0x0102000000000000n}`);
  assert.equal(dbg(`${b} b.parse_le_int(0, 8)`), `${0x0807060504030201n}`);
  assert.equal(dbg(`${b} b.parse_le_int(0, 20)`), `${0x0807060504030201n}`);
  assert.equal(dbg(`${b} b.parse_be_int(0, 8)`), `${0x0102030405060708n}`);
  assert.equal(dbg(`${b} b.parse_be_int(8, 2)`), `${0x09ff000000000000n}`);
  assert.equal(dbg(`${b} b.parse_le_int(-1, 1)`), "255");
  assert.equal(dbg(`${b} b.parse_le_int(1..3)`), `${0x0302}`);
  assert.equal(dbg(`${b} b.parse_be_int(1..=2)`), `${0x0203000000000000n}`);
  assert.equal(
    dbg(`${b} [b.parse_le_int(0, 0), b.parse_le_int(99, 2), blob().parse_be_int(0, 2)]`),
    "[0, 0, 0]",
  );
  assert.equal(dbg("blob(8, 0xff).parse_le_int(0, 8)"), "-1");
});

test("blob: write_le / write_be of integers and floats", () => {
  assert.equal(dbg("let b = blob(4); b.write_le(0, 2, 0x0102); b"), "[02010000]");
  // a short big-endian write copies the first (most significant) bytes of the 8-byte encoding
  assert.equal(dbg("let b = blob(4); b.write_be(0, 2, 0x0102); b"), "[00000000]");
  assert.equal(dbg("let b = blob(4); b.write_be(1, 3, -1); b"), "[00ffffff]");
  assert.equal(dbg("let b = blob(10); b.write_le(1, 99, -1); b"), "[00ffffffffffffff ff00]");
  assert.equal(dbg("let b = blob(4); b.write_le(1..3, 0x0a0b); b"), "[000b0a00]");
  assert.equal(dbg("let b = blob(4); b.write_le(1..=3, 0x0a0b0c); b"), "[000c0b0a]");
  assert.equal(dbg("let b = blob(8); b.write_be(0, 8, 0x0102030405060708); b"), "[0102030405060708]");
  assert.equal(dbg("let b = blob(2); b.write_le(5, 1, 9); b.write_le(0, 0, 9); b"), "[0000]");
  assert.equal(dbg("let b = blob(); b.write_le(0, 1, 9); b"), "[]");
  assert.equal(dbg("let b = blob(8); b.write_le(0, 8, 1.5); b.parse_le_float(0, 8)"), "1.5");
  assert.equal(
    dbg("let b = blob(8); b.write_be(0..8, -2.25); [b, b.parse_be_float(0..=7)]"),
    "[[c002000000000000], -2.25]",
  );
  assert.equal(dbg("let b = blob(8); b.write_le(0..=7, 0.5); b.parse_le_float(0..8)"), "0.5");
  // a partial float write keeps the first bytes of the encoding
  assert.equal(dbg("let b = blob(3); b.write_be(0, 2, 1.0); b"), "[3ff000]");
  assert.equal(
    dbg("[blob().parse_le_float(0, 8), blob(2).parse_be_float(5, 1), blob(8).parse_be_float(0, 0)]"),
    "[0.0, 0.0, 0.0]",
  );
});

test("blob: write_utf8 / write_ascii", () => {
  assert.equal(dbg('let b = blob(4); b.write_utf8(0, 4, "héllo"); b'), "[68c3a96c]");
  assert.equal(dbg('let b = blob(4); b.write_utf8(1, 1, "é"); b'), "[00c30000]");
  assert.equal(dbg('let b = blob(4); b.write_ascii(0, 4, "héllo"); b'), "[686c6c6f]");
  assert.equal(dbg('let b = blob(4); b.write_ascii(1..3, "xyz"); b'), "[00787900]");
  assert.equal(dbg('let b = blob(4); b.write_utf8(1..=3, "xyz"); b'), "[0078797a]");
  assert.equal(dbg('let b = blob(4); b.write_ascii(2..=9, "xyz"); b'), "[00007879]");
  assert.equal(dbg('let b = blob(3); b.write_utf8(-1, 5, "ab"); b'), "[000061]");
  assert.equal(dbg('let b = blob(3); b.write_utf8(0, 3, ""); b.write_ascii(9, 1, "a"); b'), "[000000]");
});

// builtin.rs has `blob += string` (append the UTF-8 bytes) and string_more.rs `blob + string`
// (the blob read as lossy UTF-8, then the string).
test("blob: += string appends bytes; blob + string is text", () => {
  assert.equal(dbg('let b = blob(1, 0x61); b += "bc"; b'), "[616263]");
  assert.equal(dbg('let b = blob(1, 0x61); b += ""; b'), "[61]");
  assert.equal(dbg('blob(1, 0x61) + "bc"'), '"abc"');
  assert.equal(dbg('blob(1, 0xff) + "bc"'), '"\u{fffd}bc"');
});
