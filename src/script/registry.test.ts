import assert from "node:assert/strict";
import { test } from "node:test";
import { type ArgTypes, FnRegistry } from "./registry.js";
import { type FnPtr, type RBlob, RChar, RCustom, RFloat, type RRange, type Value } from "./values.js";

// Type-level checks (they fail the build, not the run): parameter tags give the callback's argument types.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeChecks: [
  Equal<ArgTypes<["array", "i64"]>, [Value[], number | bigint]>,
  Equal<ArgTypes<readonly ["blob" | "string", "f64", "char"]>, [RBlob | string, RFloat, RChar]>,
  Equal<ArgTypes<readonly ["range" | "range=", "Fn", "()"]>, [RRange, FnPtr, undefined]>,
  Equal<ArgTypes<["Point"]>, [RCustom]>,
  Equal<ArgTypes<string[]>, Value[]>,
] = [true, true, true, true, true];

test("type-level checks compiled", () => {
  assert.deepEqual(typeChecks, [true, true, true, true, true]);
});

test("overloads: type checks per argument, later registrations first, variadic and parent fallbacks", () => {
  const parent = new FnRegistry();
  parent.add("f", ["i64"], () => "parent-int");
  parent.add("v", null, () => "parent-variadic", false, 0);
  const r = new FnRegistry(parent);
  r.add("f", ["f64"], () => "float");
  r.add("f", ["any"], () => "any");
  r.add("f", ["string"], () => "string");
  r.add("g", ["i64", "char"], () => "int-char");
  r.add("m", null, () => "point-method", false, 1, "Point");
  const call = (name: string, args: Value[]) => {
    const nf = r.resolve(name, args);
    return nf ? nf.fn(args, { fnName: name, position: null, callFn: () => undefined }) : null;
  };
  assert.equal(call("f", ["s"]), "string");
  assert.equal(call("f", [new RFloat(1)]), "any"); // "any" was registered after "f64"
  assert.equal(call("f", [1]), "any");
  assert.equal(call("g", [1, new RChar("x")]), "int-char");
  assert.equal(call("g", [1, "x"]), null);
  assert.equal(call("g", [new RChar("x"), 1]), null);
  assert.equal(call("v", [1, 2, 3]), "parent-variadic");
  assert.equal(call("m", []), null);
  assert.equal(call("m", [1]), null);
  assert.equal(call("m", [new RCustom("Point", {}), 2]), "point-method");
  assert.equal(r.has("f", 1), true);
  assert.equal(r.has("f", 2), false);
  assert.equal(r.has("v", 7), true);
});
