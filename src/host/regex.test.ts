import assert from "node:assert/strict";
import { test } from "node:test";
import { kindOf } from "../../test/kit/host-fixture.js";
import { compileGlob, compileRegex, MAX_PATTERN_LENGTH } from "./regex.js";

test("Rust regex syntax: inline flags, named groups, classes", () => {
  assert.equal(compileRegex("(?i)hello").test("say HELLO"), true);
  assert.equal(compileRegex("hello", { ignoreCase: true }).test("HeLLo"), true);
  assert.equal(compileRegex("^\\d{3}-[[:alpha:]]+$").test("123-abc"), true);
  const [m] = [...compileRegex("(?P<k>\\w+)=(?<v>\\w+)").matches("a=b")];
  assert.equal(m?.group("k"), "a");
  assert.equal(m?.group("v"), "b");
  assert.equal(m?.group(0), "a=b");
  assert.equal(m?.group("nope"), undefined);
});

test(`replacement follows Rust's regex: $N, $name, \${name}, $$, unknown groups are empty`, () => {
  const r = compileRegex("(?P<first>\\w+) (\\w+)");
  assert.equal(r.replace("hello world", "$2 $first", false), "world hello");
  assert.equal(r.replace("hello world", `\${2}x \${first}`, false), "worldx hello");
  assert.equal(r.replace("hello world", "$$1", false), "$1");
  assert.equal(r.replace("hello world", "$2x", false), ""); // `$2x` names group "2x"
  assert.equal(r.replace("hello world", "cost: $", false), "cost: $");
  assert.equal(r.replace("no match here!", "x", false), "x here!");
  assert.equal(compileRegex("z").replace("abc", "x", true), "abc");
});

test("first vs all; empty matches right after a match are skipped (Rust, Go)", () => {
  assert.equal(compileRegex("a").replace("banana", "o", false), "bonana");
  assert.equal(compileRegex("a").replace("banana", "o", true), "bonono");
  assert.equal(compileRegex("a*").replace("baaac", "X", true), "XbXcX");
  assert.equal(compileRegex("").replace("😀x", "-", true), "-😀-x-");
});

test("linear time: the classic catastrophic patterns return at once", () => {
  const evil = `${"a".repeat(5000)}!`;
  for (const p of ["^(a+)+$", "^(a|a)*$", "(a*)*b", "^(a|aa)+$", "^(.*a){20}$"]) {
    assert.equal(compileRegex(p).test(evil), false, p);
    assert.equal(compileRegex(p).replace(evil, "", true).length > 0, true, p);
  }
  assert.equal(compileGlob(`${"*a".repeat(30)}*b`).test("a".repeat(255)), false);
});

test("patterns outside the linear-time language or over the caps are validation errors", () => {
  for (const p of ["(a)\\1", "(?=a)", "(?<!a)b", "a{1001}", "((a{100}){100}){100}", "(", "[z-a]"]) {
    assert.equal(
      kindOf(() => compileRegex(p)),
      "ValidationError",
      p,
    );
  }
  assert.equal(
    kindOf(() => compileRegex("a".repeat(MAX_PATTERN_LENGTH + 1))),
    "ValidationError",
  );
  assert.equal(
    kindOf(() => compileRegex("a".repeat(MAX_PATTERN_LENGTH))),
    "ok",
  );
});

test("globs: *, ?, classes, negation; never across /; metacharacters are literal", () => {
  const g = (p: string, s: string) => compileGlob(p).test(s);
  assert.equal(g("*.txt", "a.txt"), true);
  assert.equal(g("*.txt", "a.txt.bak"), false);
  assert.equal(g("*.txt", "d/a.txt"), false);
  assert.equal(g("?.c", "x.c"), true);
  assert.equal(g("[ab].c", "b.c"), true);
  assert.equal(g("[!ab].c", "b.c"), false);
  assert.equal(g("a+(b)|c", "a+(b)|c"), true);
  assert.equal(g("a+(b)|c", "aa(b)"), false);
  assert.equal(compileGlob("*.TXT", { ignoreCase: true }).test("a.txt"), true);
  assert.equal(
    kindOf(() => compileGlob("[abc")),
    "ValidationError",
  );
});
