// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Rhai sources use ${…} interpolation
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, RhaiError, Scope, V, type Value } from "./index.js";

function ok(r: ReturnType<Engine["eval"]>): Value {
  if (!r.ok) assert.fail(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}
function kind(r: ReturnType<Engine["eval"]>): string {
  assert.equal(r.ok, false);
  return (r as { error: { kind: string } }).error.kind;
}

test("i64 boundaries are exact", () => {
  const e = new Engine();
  assert.equal(ok(e.eval("9223372036854775807")), 9223372036854775807n);
  assert.equal(ok(e.eval("-9223372036854775807 - 1")), -9223372036854775808n);
  assert.equal(kind(e.eval("9223372036854775807 + 1")), "ErrorArithmetic");
  assert.equal(kind(e.eval("-9223372036854775807 - 2")), "ErrorArithmetic");
  assert.equal(kind(e.eval("9223372036854775807 * 2")), "ErrorArithmetic");
  assert.equal(kind(e.eval("abs(-9223372036854775807 - 1)")), "ErrorArithmetic");
  assert.equal(kind(e.eval("1 / 0")), "ErrorArithmetic");
  assert.equal(kind(e.eval("1 % 0")), "ErrorArithmetic");
  // Rhai's shift_left/shift_right (src/packages/arithmetic.rs): shifting every bit out gives 0 / the sign
  assert.equal(ok(e.eval("1 << 64")), 0);
  assert.equal(ok(e.eval("-8 >> 100")), -1);
  assert.equal(ok(e.eval("9007199254740993 + 1")), 9007199254740994n);
  assert.equal(ok(e.eval("4611686018427387903 * 2 + 1")), 9223372036854775807n);
  assert.equal(kind(e.eval("4611686018427387904 * 2")), "ErrorArithmetic");
  assert.equal(ok(e.eval("0xffffffffffffffff")), -1);
  assert.equal(ok(e.eval("10 << -1")), 5);
  assert.equal(ok(e.eval("2 ** 3 ** 2")), 512);
});

test("host functions, overloads and catchable host errors", () => {
  const e = new Engine();
  e.registerFn("twice", ["i64"], ([x]) => V.int(V.asBigInt(x) * 2n));
  e.registerFn("twice", ["string"], ([s]) => V.str(`${V.asString(s)}${V.asString(s)}`));
  e.registerFn("twice", ["i64", "i64"], "i64", ([a, b]) => V.int(V.asBigInt(a) * 2n + V.asBigInt(b)));
  e.registerFn("cat", ["string"], ([p]) => {
    throw RhaiError.runtime(V.map({ kind: V.str("NotFound"), message: V.str("no such file"), source: p }));
  });
  e.registerFn("boom", [], () => {
    throw new RhaiError("ErrorSystem", "host failure");
  });
  assert.equal(ok(e.eval("twice(21)")), 42);
  assert.equal(ok(e.eval('twice("ab")')), "abab");
  assert.equal(ok(e.eval("twice(20, 2)")), 42);
  assert.equal(kind(e.eval("twice(true)")), "ErrorFunctionNotFound");
  assert.equal(ok(e.eval('try { cat("/x") } catch (err) { err.kind }')), undefined);
  assert.equal(
    ok(e.eval('let k = (); try { cat("/x") } catch (err) { k = err.kind + ":" + err.source } k')),
    "NotFound:/x",
  );
  assert.equal(kind(e.eval("try { boom() } catch { 1 }")), "ErrorSystem");
});

test("custom types with methods, getters and setters", () => {
  const e = new Engine();
  interface Cfg {
    path: string;
    built: boolean;
  }
  e.registerFn("DirConfig", [], () => V.custom("DirConfig", { path: "", built: false } as Cfg));
  e.registerType("DirConfig", {
    methods: {
      path: [
        {
          params: ["string"],
          fn: ([self, p]) =>
            V.custom("DirConfig", { ...V.asCustom<Cfg>(self, "DirConfig"), path: V.asString(p) }),
        },
      ],
      build: ([self]) => V.custom("DirConfig", { ...V.asCustom<Cfg>(self, "DirConfig"), built: true }),
      open: ([self, opts]) => V.array([V.str(V.asCustom<Cfg>(self, "DirConfig").path), opts]),
    },
    getters: { name: (self) => V.str(`cfg:${V.asCustom<Cfg>(self, "DirConfig").path}`) },
    setters: { label: (self, v) => void (V.asCustom<Cfg>(self, "DirConfig").path = V.asString(v)) },
  });
  assert.deepEqual(ok(e.eval('DirConfig().path("/tmp").build().open(#{a: 1})[0]')), "/tmp");
  assert.equal(ok(e.eval('let c = DirConfig().path("/d"); c.name')), "cfg:/d");
  assert.equal(ok(e.eval('let c = DirConfig(); c.label = "x"; c.name')), "cfg:x");
  assert.equal(ok(e.eval("type_of(DirConfig())")), "DirConfig");
});

test("static modules: constants, functions, constants in array literals", () => {
  const e = new Engine();
  e.registerModule("IoErrorKind", { constants: { NotFound: V.str("NotFound") } });
  e.registerModule("grep", { constants: { i: V.str("-i") } });
  e.registerModule("tail", {
    functions: { n: [{ params: ["i64"], fn: ([n]) => V.str(`-n${V.asNumber(n)}`) }] },
  });
  assert.equal(ok(e.eval("IoErrorKind::NotFound")), "NotFound");
  assert.deepEqual(ok(e.eval("[grep::i, tail::n(5)]")), ["-i", "-n5"]);
  assert.equal(kind(e.eval("nomod::x")), "ErrorModuleNotFound");
});

test("scope, strict variables and disabled symbols (Rex setup)", () => {
  const prints: string[] = [];
  const e = new Engine({
    options: { strictVariables: true },
    disabledSymbols: ["eval", "print"],
    onPrint: (t) => prints.push(t),
  });
  const scope = new Scope().pushConstant("path", V.str("/etc")).push("n", V.int(1));
  assert.equal(ok(e.eval("n += 1; path + n", scope)), "/etc2");
  assert.equal(scope.get("n"), 2);
  assert.equal(kind(e.eval("undefined_var + 1", scope)), "ParseError:VariableUndefined");
  assert.equal(kind(e.eval("path = 1", scope)), "ErrorAssignmentToConstant");
  assert.match(kind(e.eval('print("x")')), /^ParseError:/);
  assert.match(kind(e.eval('eval("1")')), /^ParseError:/);
  assert.deepEqual(prints, []);
});

test("print and debug go to the host sinks", () => {
  const out: string[] = [];
  const e = new Engine({ onPrint: (t) => out.push(t), onDebug: (t) => out.push(`D ${t}`) });
  ok(e.eval('print(1); print("a"); debug("a"); print([1, "b"]); print(#{b: 1, a: 2.0})'));
  assert.deepEqual(out, ["1", "a", 'D "a"', '[1, "b"]', '#{"a": 2.0, "b": 1}']);
});

test("errors carry kind and position; the engine never throws", () => {
  const e = new Engine();
  const r = e.eval("let x = 1;\nlet y = z;");
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.kind, "ErrorVariableNotFound");
    assert.deepEqual(r.error.position, { line: 2, column: 9 });
  }
  assert.equal(kind(e.eval("let = 5")), "ParseError:VariableExpected");
  e.registerFn("jsbug", [], () => {
    throw new TypeError("oops");
  });
  assert.equal(kind(e.eval("jsbug()")), "ErrorSystem");
});

test("value helpers round-trip JSON-like data", () => {
  const v = V.fromJs({ a: [1, 2.5, "x", null, true], b: { c: 9007199254740993n } });
  assert.deepEqual(
    V.toJs(v),
    Object.assign(Object.create(null), {
      a: [1, 2.5, "x", null, true],
      b: Object.assign(Object.create(null), { c: 9007199254740993n }),
    }),
  );
  assert.equal(V.toJsonText(V.map({ b: V.int(1), a: V.float(0.5) })), '{"a":0.5,"b":1}');
  assert.equal(V.typeOf(V.char("x")), "char");
});

test("callFn calls script functions; compile once, run many", () => {
  const e = new Engine();
  const c = e.compile("fn add(a, b) { a + b } let x = 40; x + 2");
  assert.ok(c.ok);
  if (!c.ok) return;
  assert.equal(ok(e.run(c.program)), 42);
  assert.equal(ok(e.run(c.program)), 42);
  assert.equal(ok(e.callFn(c.program, "add", [V.int(1), V.int(2)])), 3);
});

test("eval is refused unless enabled; enabled eval sees the caller's variables", () => {
  assert.equal(kind(new Engine().eval('eval("1")')), "ErrorFunctionNotFound");
  const e = new Engine({ options: { allowEval: true }, limits: { maxCallLevels: 20 } });
  assert.equal(ok(e.eval('let x = 1; eval("x += 41"); x')), 42);
  assert.equal(ok(e.eval('fn f(a) { a * 2 } eval("f(21)")')), 42);
  assert.equal(kind(e.eval('let s = "eval(s)"; eval(s)')), "ErrorStackOverflow");
});

test("foo!() runs a function in the caller's scope", () => {
  const e = new Engine();
  assert.equal(ok(e.eval("fn foo(y) { x += y; x } let x = 41; foo!(1) + x")), 84);
});

test("custom-type methods only apply to their type (no hijacking of built-ins)", () => {
  const e = new Engine();
  e.registerFn("T", [], () => V.custom("T", {}));
  e.registerType("T", { methods: { len: () => V.int(99) } });
  assert.equal(ok(e.eval("[1, 2].len()")), 2);
  assert.equal(ok(e.eval("T().len()")), 99);
});

test("a switch case body may be a statement (assignment), as in Rhai's parse_switch", () => {
  const e = new Engine();
  assert.equal(ok(e.eval("let x = 1; let y = 0; switch x { 1 => y = 5, _ => y = 7 } y")), 5);
  assert.equal(ok(e.eval("let x = 2; let y = 0; switch x { 1 => y = 5, _ => y += 7 } y")), 7);
  assert.equal(ok(e.eval("let y = 0; switch 3 { 1..5 => y = 9 } y")), 9);
});

test("exit()/exit(v) ends the run with v through functions, closures and try (Rhai's lang_core exit)", () => {
  const e = new Engine();
  assert.equal(ok(e.eval("exit(42); 1")), 42);
  assert.equal(ok(e.eval("exit(); 1")), undefined);
  assert.equal(ok(e.eval('fn f() { exit("out") } f(); 2')), "out");
  assert.equal(ok(e.eval("try { exit(3) } catch { 4 }")), 3);
  assert.equal(ok(e.eval("[1, 2].map(|x| exit(x * 10))")), 10);
  assert.equal(ok(e.eval("let s = 0; for i in 0..10 { s += i; if i == 3 { exit(s) } } 99")), 6);
  // not a keyword: a variable or a script function may be called exit
  assert.equal(ok(e.eval("let exit = 5; exit")), 5);
  assert.equal(ok(e.eval("fn exit(x) { x + 1 } exit(1)")), 2);
  assert.equal(kind(e.eval("exit(1, 2)")), "ErrorFunctionNotFound");
  // the statements after exit do not run
  const printed: string[] = [];
  const p = new Engine({ onPrint: (s) => printed.push(s) });
  assert.equal(ok(p.eval('print("a"); exit(1); print("b")')), 1);
  assert.deepEqual(printed, ["a"]);
  // call_fn: an exit inside the called function is its result
  const c = e.compile("fn g(x) { exit(x * 2); 0 }");
  assert.ok(c.ok);
  const r = e.callFn(c.program, "g", [21]);
  assert.deepEqual(r, { ok: true, value: 42 });
});

test("get_fn_metadata_list lists the script's functions and closures (Rhai's reflection package)", () => {
  const e = new Engine();
  const all = ok(
    e.eval(
      "fn a(x, y) {} private fn b() {} let z = 1; let c = |q| q + z; get_fn_metadata_list().map(|m| `${m.name}|${m.access}|${m.is_anonymous}|${m.params}`)",
    ),
  );
  assert.ok(Array.isArray(all));
  // the closure given to map is a script function too
  assert.equal(all.length, 4);
  assert.equal(all[0], 'a|public|false|["x", "y"]');
  assert.equal(all[1], "b|private|false|[]");
  assert.match(String(all[2]), /^anon\$[^|]+\|public\|true\|\["z", "q"\]$/);
  assert.match(String(all[3]), /^anon\$[^|]+\|public\|true\|\["m"\]$/);
  assert.equal(ok(e.eval('fn a(x) {} fn a() {} get_fn_metadata_list("a").len()')), 2);
  assert.equal(ok(e.eval('fn a(x) {} fn a() {} get_fn_metadata_list("a", 1)[0].params.len()')), 1);
  assert.equal(ok(e.eval('fn a(x) {} get_fn_metadata_list("a", -1).len()')), 0);
  assert.equal(ok(e.eval("get_fn_metadata_list().len()")), 0);
  assert.equal(kind(e.eval("get_fn_metadata_list(1)")), "ErrorFunctionNotFound");
});

test("typed methods fn Type.name(…) apply only to values of that type (Rhai's tests/method_call.rs)", () => {
  const T = "Test-Struct#ABC";
  const e = new Engine();
  e.registerFn("new_ts", [], () => V.custom(T, { x: 1 }));
  e.registerType(T, {
    methods: {
      update: ([self, n]) => {
        V.asCustom<{ x: number }>(self, T).x += Number(V.asBigInt(n));
        return undefined;
      },
    },
    getters: { x: (self) => V.int(V.asCustom<{ x: number }>(self, T).x) },
  });
  const both = `fn "${T}".foo(x) { this.update(x); } fn foo(x) { this += x; }`;
  assert.equal(ok(e.eval(`${both} let z = 1000; z.foo(1); let x = new_ts(); x.foo(z); x.x`)), 1002);
  const typedOnly = `fn "${T}".foo(x) { this.update(x); }`;
  assert.equal(ok(e.eval(`${typedOnly} is_def_fn("${T}", "foo", 1)`)), true);
  assert.equal(ok(e.eval(`${typedOnly} is_def_fn("foo", 1)`)), false);
  assert.equal(ok(e.eval(`${typedOnly} is_def_fn("${T}", "foo", 2)`)), false);
  assert.equal(kind(e.eval(`${typedOnly} foo(1000);`)), "ErrorFunctionNotFound");
  assert.equal(kind(e.eval(`${typedOnly} let x = 42; x.foo(1000);`)), "ErrorFunctionNotFound");
  // `int` and `float` name i64 and f64; a typed and an untyped function may share name and arity
  assert.equal(ok(e.eval("fn int.twice() { this * 2 } fn float.twice() { this * 3.0 } 21.twice()")), 42);
  assert.equal(
    ok(e.eval('fn int.f() { "int" } fn f() { "any" } let s = "x"; `${5.f()} ${s.f()}`')),
    "int any",
  );
  assert.equal(ok(e.eval('fn int.f() {} is_def_fn("i64", "f", 0)')), true);
  assert.equal(kind(e.eval("fn int.f() {} fn int.f() {}")), "ParseError:FnDuplicatedDefinition");
  assert.equal(kind(e.eval('fn "T" f() {}')), "ParseError:MissingToken");
  const meta = ok(e.eval("fn int.f(a) {} get_fn_metadata_list()[0].this_type"));
  assert.equal(meta, "i64");
});
