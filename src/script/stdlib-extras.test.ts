// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Rhai source text, where ${…} is Rhai interpolation
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, toDebug, V } from "./index.js";

// The opt-in extension package (functions Rhai's Engine::new() lacks, so no Rhai reference: the
// expectations follow extras.ts's documented meaning and Rust's char predicates), custom-type display
// through a registered to_string, and callbacks given as native function pointers.

function dbg(e: Engine, src: string): string {
  const r = e.eval(src);
  if (!r.ok) assert.fail(`${src}\n  → ${r.error.kind}: ${r.error.message}`);
  return toDebug(r.value);
}
function errKind(e: Engine, src: string): string {
  const r = e.eval(src);
  assert.equal(r.ok, false, `${src} should fail`);
  return (r as { error: { kind: string } }).error.kind;
}

test("extras: to_char, parse_bool, float, merge, round(x, digits), char predicates", () => {
  const x = new Engine({ extras: true });
  assert.equal(dbg(x, "[to_char(65), to_char(0x1F600), 97.to_char()]"), "['A', '😀', 'a']");
  for (const bad of ["-1", "0xd800", "0x110000"])
    assert.equal(errKind(x, `to_char(${bad})`), "ErrorArithmetic", bad);
  assert.equal(dbg(x, '[parse_bool("true"), parse_bool(" false ")]'), "[true, false]");
  assert.equal(errKind(x, 'parse_bool("yes")'), "ErrorMismatchDataType");
  assert.equal(dbg(x, "float(1.5)"), "1.5");
  assert.equal(
    dbg(x, "let m = #{a: 1}; let n = m.merge(#{b: 2, a: 3}); [m, n]"),
    '[#{"a": 1}, #{"a": 3, "b": 2}]',
  );
  assert.equal(dbg(x, "[round(1.5, 0), round(2.0, 3), round(0.125, 2)]"), "[2.0, 2.0, 0.13]");
  assert.equal(
    dbg(
      x,
      "['a'.is_alphabetic(), '7'.is_alphabetic(), '7'.is_numeric(), '½'.is_numeric(), '7'.is_digit(), '٣'.is_digit()]",
    ),
    "[true, false, true, true, true, false]",
  );
  assert.equal(
    dbg(
      x,
      "[' '.is_whitespace(), '\\t'.is_whitespace(), 'x'.is_whitespace(), 'É'.is_uppercase(), 'é'.is_uppercase(), 'é'.is_lowercase()]",
    ),
    "[true, true, false, true, false, true]",
  );
  // without the package, none of these exist
  const plain = new Engine();
  for (const src of [
    "to_char(65)",
    'parse_bool("true")',
    "float(1.5)",
    "#{}.merge(#{})",
    "round(1.5, 0)",
    "'a'.is_alphabetic()",
  ])
    assert.equal(errKind(plain, src), "ErrorFunctionNotFound", src);
});

test("display: a custom type's registered to_string is used by to_string, print and interpolation", () => {
  const printed: string[] = [];
  const e = new Engine({ onPrint: (t) => printed.push(t) });
  e.registerFn("Point", ["i64", "i64"], ([a, b]) => V.custom("Point", { x: a, y: b }));
  e.registerType("Point", {
    toString: (p) => {
      const { x, y } = V.asCustom<{ x: Value; y: Value }>(p, "Point");
      return `P(${String(x)},${String(y)})`;
    },
  });
  assert.equal(dbg(e, "Point(1, 2).to_string()"), '"P(1,2)"');
  assert.equal(dbg(e, "`<${Point(3, 4)}>`"), '"<P(3,4)>"');
  assert.equal(dbg(e, "print(Point(5, 6))"), "()");
  assert.deepEqual(printed, ["P(5,6)"]);
  assert.equal(dbg(e, "type_of(Point(1, 2))"), '"Point"');
  // a custom type without to_string shows its type name
  const f = new Engine();
  f.registerFn("Thing", [], () => V.custom("Thing", {}));
  assert.equal(dbg(f, "Thing().to_string()"), '"Thing"');
});

test("callbacks given as native function pointers or names", () => {
  const e = new Engine();
  assert.equal(dbg(e, '[1, -2].map(Fn("abs"))'), "[1, 2]");
  assert.equal(dbg(e, '["a", "b"].map("to_upper")'), '["A", "B"]');
  assert.equal(dbg(e, '[3, 9, 4].reduce(Fn("max"), 0)'), "9");
  assert.equal(dbg(e, '[1, 2, 3].filter(Fn("is_odd"))'), "[1, 3]");
  assert.equal(dbg(e, 'let a = ["x", "y"]; a.for_each(Fn("make_upper")); a'), '["X", "Y"]');
});

type Value = Parameters<typeof toDebug>[0];
