import assert from "node:assert/strict";
import { test } from "node:test";
import { rhaiEval } from "../../test/kit/rhai-eval.js";
import { Engine } from "./index.js";

// Direct tests of the object-map functions (Rhai's src/packages/map_basic.rs at f1f06ab9, and
// format_map_as_json in src/api/json.rs). Rhai's Map is a BTreeMap: keys iterate in sorted order.

const engine = new Engine();
const { dbg, errKind } = rhaiEval(engine);
const mut = (init: string, body: string) => dbg(`let m = ${init}; let r = ${body}; [m, r]`);

test("map: len, is_empty, contains, in, get, set, remove, clear", () => {
  assert.equal(dbg("#{a: 1, b: 2}.len()"), "2");
  assert.equal(dbg("#{}.len()"), "0");
  // map_basic.rs registers len/is_empty without `get = …`: on a map, `.len` is the property "len"
  assert.equal(dbg("#{}.len"), "()");
  assert.equal(dbg("#{len: 7}.len"), "7");
  assert.equal(dbg("#{}.is_empty()"), "true");
  assert.equal(dbg("#{a: ()}.is_empty()"), "false");
  assert.equal(dbg('#{a: 1}.contains("a")'), "true");
  assert.equal(dbg('#{a: 1}.contains("b")'), "false");
  assert.equal(dbg('"a" in #{a: 1}'), "true");
  assert.equal(dbg('"z" !in #{a: 1}'), "true");
  assert.equal(dbg('#{a: 1}.get("a")'), "1");
  assert.equal(dbg('#{a: 1}.get("b")'), "()");
  assert.equal(dbg('#{}.get("b")'), "()");
  assert.equal(mut("#{a: 1}", 'm.set("a", 5)'), '[#{"a": 5}, ()]');
  assert.equal(mut("#{a: 1}", 'm.set("b", [2])'), '[#{"a": 1, "b": [2]}, ()]');
  assert.equal(mut("#{a: 1, b: 2}", 'm.remove("a")'), '[#{"b": 2}, 1]');
  assert.equal(mut("#{a: 1}", 'm.remove("x")'), '[#{"a": 1}, ()]');
  assert.equal(mut("#{}", 'm.remove("x")'), "[#{}, ()]");
  assert.equal(mut("#{a: 1, b: 2}", "m.clear()"), "[#{}, ()]");
  assert.equal(mut("#{}", "m.clear()"), "[#{}, ()]");
  // property access and indexing of a missing key give ()
  assert.equal(dbg('let m = #{a: 1}; [m.a, m.zz, m["a"], m["zz"]]'), "[1, (), 1, ()]");
});

test("map: keys and values come in key order", () => {
  assert.equal(dbg("#{b: 2, c: 3, a: 1}.keys()"), '["a", "b", "c"]');
  assert.equal(dbg("#{b: 2, c: 3, a: 1}.values()"), "[1, 2, 3]");
  assert.equal(dbg("#{}.keys()"), "[]");
  assert.equal(dbg("#{}.values()"), "[]");
  assert.equal(dbg('let s = ""; for k in #{y: 0, x: 0}.keys() { s += k } s'), '"xy"');
});

test("map: mixin, +=, +, fill_with", () => {
  assert.equal(mut("#{a: 1, b: 2}", "m.mixin(#{b: 3, c: 4})"), '[#{"a": 1, "b": 3, "c": 4}, ()]');
  assert.equal(mut("#{a: 1}", "m.mixin(#{})"), '[#{"a": 1}, ()]');
  assert.equal(dbg("let m = #{a: 1}; m += #{a: 2, z: 0}; m"), '#{"a": 2, "z": 0}');
  assert.equal(dbg("let m = #{a: 1}; let n = m + #{b: 2}; [m, n]"), '[#{"a": 1}, #{"a": 1, "b": 2}]');
  assert.equal(dbg("#{} + #{b: 2}"), '#{"b": 2}');
  assert.equal(dbg("#{a: 1} + #{}"), '#{"a": 1}');
  assert.equal(dbg("#{a: 1} + #{a: 9}"), '#{"a": 9}');
  assert.equal(mut("#{a: 1, b: 2}", "m.fill_with(#{b: 3, c: 4})"), '[#{"a": 1, "b": 2, "c": 4}, ()]');
  assert.equal(mut("#{}", "m.fill_with(#{c: 4})"), '[#{"c": 4}, ()]');
  assert.equal(mut("#{a: 1}", "m.fill_with(#{})"), '[#{"a": 1}, ()]');
});

test("map: == and != compare every value", () => {
  assert.equal(dbg("#{a: 1, b: [2]} == #{b: [2], a: 1}"), "true");
  assert.equal(dbg("#{a: 1} == #{a: 1, b: 2}"), "false");
  assert.equal(dbg("#{a: 1} == #{b: 1}"), "false");
  assert.equal(dbg("#{a: 1} == #{a: 2}"), "false");
  assert.equal(dbg("#{a: 1} != #{a: 2}"), "true");
  assert.equal(dbg("#{} == #{}"), "true");
  assert.equal(dbg("#{a: #{b: 'c'}} == #{a: #{b: 'c'}}"), "true");
});

test("map: filter and map with (key), (key, value), `this` and named functions", () => {
  const m = "#{a: 1, b: 2, c: 3}";
  assert.equal(dbg(`${m}.filter(|k, v| v >= 2)`), '#{"b": 2, "c": 3}');
  assert.equal(dbg(`${m}.filter(|k| k != "b")`), '#{"a": 1, "c": 3}');
  assert.equal(dbg(`${m}.filter(|k| this == 1)`), '#{"a": 1}');
  assert.equal(dbg(`${m}.filter(|k, v| 1)`), "#{}");
  assert.equal(dbg("#{}.filter(|k, v| true)"), "#{}");
  assert.equal(dbg(`fn big(k, v) { v > 2 } ${m}.filter("big")`), '#{"c": 3}');
  assert.equal(dbg(`fn big(k, v) { v > 2 } ${m}.filter(Fn("big"))`), '#{"c": 3}');
  // a one-parameter script function gets the key, with the value bound to `this` (call_raw_with_extra_args)
  assert.equal(dbg(`fn odd(k) { this % 2 == 1 } ${m}.filter(Fn("odd"))`), '#{"a": 1, "c": 3}');
  assert.equal(dbg(`${m}.map(|k, v| k + v)`), '#{"a": "a1", "b": "b2", "c": "c3"}');
  assert.equal(dbg(`${m}.map(|k| this * 10)`), '#{"a": 10, "b": 20, "c": 30}');
  assert.equal(dbg("#{}.map(|k, v| v)"), "#{}");
  // map and filter leave the source alone
  assert.equal(dbg(`let m = ${m}; m.map(|k| this = 0); m.filter(|k| false); m`), '#{"a": 1, "b": 2, "c": 3}');
  assert.equal(errKind(`${m}.filter(|| true)`), "ErrorFunctionNotFound");
});

test("map: drain and retain return what they remove", () => {
  const m = "#{a: 1, b: 2, c: 3}";
  assert.equal(mut(m, "m.drain(|k, v| v > 1)"), '[#{"a": 1}, #{"b": 2, "c": 3}]');
  assert.equal(mut(m, 'm.drain(|k| k == "a")'), '[#{"b": 2, "c": 3}, #{"a": 1}]');
  assert.equal(mut(m, "m.retain(|k, v| v > 1)"), '[#{"b": 2, "c": 3}, #{"a": 1}]');
  assert.equal(mut(m, "m.retain(|k| this == 3)"), '[#{"c": 3}, #{"a": 1, "b": 2}]');
  assert.equal(mut("#{}", "m.drain(|k| true)"), "[#{}, #{}]");
  assert.equal(mut("#{}", "m.retain(|k| true)"), "[#{}, #{}]");
  // a failing callback: Rhai drops what was already removed and the failing entry, keeps the rest
  assert.equal(
    dbg('let m = #{a: 1, b: 2, c: 3}; try { m.drain(|k| if k == "b" { throw 1 } else { true }) } catch {} m'),
    '#{"c": 3}',
  );
  assert.equal(
    dbg(
      'let m = #{a: 1, b: 2, c: 3}; try { m.retain(|k| if k == "b" { throw 1 } else { false }) } catch {} m',
    ),
    '#{"c": 3}',
  );
  assert.notEqual(errKind('#{a: 1}.drain(|k| throw "x")'), "");
});

test("map: to_json writes Rhai's JSON (Debug-form keys, strings, chars and floats)", () => {
  assert.equal(dbg("#{}.to_json()"), '"{}"');
  const json = (src: string) => {
    const r = engine.eval(src);
    if (!r.ok) assert.fail(r.error.message);
    return r.value as string;
  };
  assert.equal(json('#{b: 1, a: "x", c: ()}.to_json()'), '{"a":"x","b":1,"c":null}');
  assert.equal(json("#{a: [1, true, 2.5], b: #{c: -1}}.to_json()"), '{"a":[1,true,2.5],"b":{"c":-1}}');
  assert.equal(json("#{a: 1.0, b: 1e100, c: 0.0001}.to_json()"), '{"a":1.0,"b":1e100,"c":0.0001}');
  assert.equal(json("#{a: 1.0 / 0.0}.to_json()"), '{"a":inf}');
  assert.equal(json("#{a: blob(2, 7)}.to_json()"), '{"a":[7,7]}');
  assert.equal(json('#{f: Fn("x")}.to_json()'), '{"f":"x"}');
  assert.equal(json('#{f: Fn("x").curry(1).curry("y")}.to_json()'), '{"f":["x",1,"y"]}');
  assert.equal(json('#{s: "q\\"\\n\\t\\\\"}.to_json()'), '{"s":"q\\"\\n\\t\\\\"}');
  // Rust's Debug escapes control characters as \u{…}, and writes a char in single quotes
  assert.equal(json('#{"\\x01": 1}.to_json()'), '{"\\u{1}":1}');
  assert.equal(json("#{c: 'x'}.to_json()"), "{\"c\":'x'}");
  // to_json text that is JSON parses back
  assert.equal(dbg('parse_json(#{a: [1, "x"], b: #{c: ()}}.to_json())'), '#{"a": [1, "x"], "b": #{"c": ()}}');
});

test("map: iteration, indexing errors and size limits", () => {
  assert.equal(dbg("let m = #{a: 1}; m.b = 2; m"), '#{"a": 1, "b": 2}');
  assert.equal(errKind("let m = #{a: 1}; m[0]"), "ErrorMismatchDataType");
  const small = new Engine({ limits: { maxMapSize: 2 } });
  // the parser rejects a literal with max_map_size entries or more (Rhai checks `len >= max`)
  assert.equal(errKind("#{a: 1, b: 2}", small), "ParseError:LiteralTooLarge");
  assert.equal(errKind('let m = #{a: 1}; m.set("b", 2); m.set("c", 3)', small), "ErrorDataTooLarge");
  assert.equal(errKind("let m = #{a: 1}; m.mixin(#{b: 2}); m.mixin(#{c: 3})", small), "ErrorDataTooLarge");
  assert.equal(
    errKind("let m = #{a: 1}; m.fill_with(#{b: 2}); m.fill_with(#{c: 3})", small),
    "ErrorDataTooLarge",
  );
  assert.equal(dbg('let m = #{a: 1}; m.set("b", 2); m.len()', small), "2");
});
