import { RhaiError } from "../errors.js";
import { toDebug } from "../format.js";
import type { FnRegistry } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { type FnPtr, RBlob, RCustom, RFloat, RRange, RTimestamp, typeName, type Value } from "../values.js";
import { displayOf } from "./display.js";
import type { StepRange } from "./iterate.js";
import { def, F, int } from "./util.js";

export function stepRange(from: Value, to: Value, step: Value): RCustom {
  const isNum = (v: Value) => typeof v === "number" || typeof v === "bigint" || v instanceof RFloat;
  if (!isNum(from) || !isNum(to) || !isNum(step))
    throw new RhaiError("ErrorMismatchDataType", "range expects numbers");
  // iter_basic.rs StepRange::new wraps the error: ErrorInFunctionCall("range", ErrorArithmetic)
  if ((step instanceof RFloat && step.v === 0) || step === 0)
    throw new RhaiError("ErrorInFunctionCall", "error in call to range", {
      inner: new RhaiError("ErrorArithmetic", "step value cannot be zero"),
    });
  return new RCustom("StepRange", { from, to, step } as StepRange);
}

export function registerCore(r: FnRegistry): void {
  def(r, "type_of", ["any"], ([v]) => typeName(v));
  def(r, "to_string", ["any"], ([v], ctx) => displayOf(ctx as Runtime, v));
  def(r, "to_debug", ["any"], ([v]) => toDebug(v));
  def(r, "print", ["any"], ([v], ctx) => {
    (ctx as Runtime).core.print(displayOf(ctx as Runtime, v));
  });
  def(r, "debug", ["any"], ([v], ctx) => {
    (ctx as Runtime).core.debug(toDebug(v), ctx.position);
  });
  def(r, "range", ["i64", "i64"], ([a, b]) => new RRange(a as number, b as number, false));
  for (const t of ["i64", "f64"])
    for (const u of ["i64", "f64"])
      for (const w of ["i64", "f64"]) def(r, "range", [t, u, w], ([a, b, s]) => stepRange(a, b, s));
  for (const t of ["range", "range="]) {
    def(r, ["start", "get$start"], [t], ([x]) => (x as RRange).start);
    def(r, ["end", "get$end"], [t], ([x]) => (x as RRange).end);
    def(r, ["is_inclusive", "get$is_inclusive"], [t], ([x]) => (x as RRange).inclusive);
    def(r, ["is_exclusive", "get$is_exclusive"], [t], ([x]) => !(x as RRange).inclusive);
    def(r, ["is_empty", "get$is_empty"], [t], ([x]) => {
      const g = x as RRange;
      return g.inclusive ? g.start > g.end : g.start >= g.end;
    });
    def(r, "contains", [t, "i64"], ([x, v]) => {
      const g = x as RRange;
      const n = v as number | bigint;
      return n >= g.start && (g.inclusive ? n <= g.end : n < g.end);
    });
    def(r, "len", [t], ([x]) => {
      const g = x as RRange;
      const d = Number(g.end) - Number(g.start) + (g.inclusive ? 1 : 0);
      return Math.max(0, d);
    });
  }
  def(r, ["name", "get$name"], ["Fn"], ([f]) => (f as FnPtr).name);
  def(r, ["is_anonymous", "get$is_anonymous"], ["Fn"], ([f]) => (f as FnPtr).closure !== null);
  // timestamps
  def(r, "timestamp", [], () => new RTimestamp(performance.now()));
  def(r, ["elapsed", "get$elapsed"], ["timestamp"], ([t]) =>
    F((performance.now() - (t as RTimestamp).ms) / 1000),
  );
  // bit fields
  def(r, "get_bit", ["i64", "i64"], ([x, b]) => {
    const k = int(b) < 0 ? 64 + int(b) : int(b);
    if (k < 0 || k >= 64) throw new RhaiError("ErrorBitFieldBounds", `bit ${b} out of bounds`);
    return ((BigInt(x as number) >> BigInt(k)) & 1n) === 1n;
  });
  def(r, "set_bit", ["i64", "i64", "bool"], (a) => {
    const k = int(a[1]) < 0 ? 64 + int(a[1]) : int(a[1]);
    if (k < 0 || k >= 64) throw new RhaiError("ErrorBitFieldBounds", `bit ${a[1]} out of bounds`);
    const m = 1n << BigInt(k);
    const x = BigInt(a[0] as number);
    const y = BigInt.asIntN(64, a[2] ? x | m : x & ~m);
    a[0] = Number.isSafeInteger(Number(y)) ? Number(y) : y;
  });
  def(r, "get_bits", ["i64", "i64", "i64"], ([x, s, n]) => {
    let st = int(s);
    if (st < 0) st += 64;
    const len = int(n);
    // bit_field.rs: bits <= 0 gives 0 before the start is checked
    if (len <= 0) return 0;
    if (st < 0 || st >= 64 || len < 0) throw new RhaiError("ErrorBitFieldBounds", "bit range out of bounds");
    const w = Math.min(len, 64 - st);
    const y = (BigInt.asUintN(64, BigInt(x as number)) >> BigInt(st)) & ((1n << BigInt(w)) - 1n);
    return Number.isSafeInteger(Number(y)) ? Number(y) : BigInt.asIntN(64, y);
  });
  def(r, "set_bits", ["i64", "i64", "i64", "i64"], (a) => {
    let st = int(a[1]);
    if (st < 0) st += 64;
    const len = int(a[2]);
    // bit_field.rs: bits <= 0 leaves the value alone before the start is checked
    if (len <= 0) return;
    if (st < 0 || st >= 64) throw new RhaiError("ErrorBitFieldBounds", "bit range out of bounds");
    const w = BigInt(Math.min(len, 64 - st));
    const mask = ((1n << w) - 1n) << BigInt(st);
    const x = BigInt(a[0] as number);
    const y = BigInt.asIntN(64, (x & ~mask) | ((BigInt(a[3] as number) << BigInt(st)) & mask));
    a[0] = Number.isSafeInteger(Number(y)) ? Number(y) : y;
  });
  def(r, "bits", ["i64"], ([x]) => {
    const b = BigInt.asUintN(64, BigInt(x as number));
    const out: Value[] = [];
    for (let i = 0n; i < 64n; i++) out.push(((b >> i) & 1n) === 1n);
    return out;
  });
  def(r, "bits", ["i64", "i64", "i64"], ([x, s, n]) => {
    const b = BigInt.asUintN(64, BigInt(x as number));
    let st = int(s);
    if (st < 0) st += 64;
    // iter_basic.rs BitRange::new: the start must be a bit index (calc_index)
    if (st < 0 || st >= 64) throw new RhaiError("ErrorBitFieldBounds", `bit ${s} out of bounds`);
    const out: Value[] = [];
    for (let i = st; i < Math.min(64, st + int(n)); i++) out.push(((b >> BigInt(i)) & 1n) === 1n);
    return out;
  });
  for (const t of ["range", "range="])
    def(r, "bits", ["i64", t], ([x, g]) => {
      const b = BigInt.asUintN(64, BigInt(x as number));
      const rg = g as RRange;
      const e = Math.min(64, Number(rg.end) + (rg.inclusive ? 1 : 0));
      const out: Value[] = [];
      for (let i = Math.max(0, Number(rg.start)); i < e; i++) out.push(((b >> BigInt(i)) & 1n) === 1n);
      return out;
    });
  // blobs
  def(r, "blob", [], () => new RBlob());
  def(r, "blob", ["i64"], ([n], ctx) => {
    const k = Math.max(0, int(n));
    const max = (ctx as Runtime).limits.maxArraySize;
    if (max > 0 && k > max) throw new RhaiError("ErrorDataTooLarge", "size of blob exceeds the limit");
    return new RBlob(new Array(k).fill(0));
  });
  def(r, "blob", ["i64", "i64"], ([n, v], ctx) => {
    const k = Math.max(0, int(n));
    const max = (ctx as Runtime).limits.maxArraySize;
    if (max > 0 && k > max) throw new RhaiError("ErrorDataTooLarge", "size of blob exceeds the limit");
    return new RBlob(new Array(k).fill(int(v) & 0xff));
  });
  def(r, ["len", "get$len"], ["blob"], ([b]) => (b as RBlob).bytes.length);
  def(r, ["is_empty", "get$is_empty"], ["blob"], ([b]) => (b as RBlob).bytes.length === 0);
  def(r, ["push", "append"], ["blob", "i64"], ([b, v]) => {
    (b as RBlob).bytes.push(int(v) & 0xff);
  });
  def(r, "append", ["blob", "blob"], ([b, o]) => {
    (b as RBlob).bytes.push(...(o as RBlob).bytes);
  });
  // blob_basic.rs: popping or shifting an empty blob gives 0
  def(r, "pop", ["blob"], ([b]) => (b as RBlob).bytes.pop() ?? 0);
  def(r, "shift", ["blob"], ([b]) => (b as RBlob).bytes.shift() ?? 0);
  def(r, "clear", ["blob"], ([b]) => {
    (b as RBlob).bytes.length = 0;
  });
  def(r, "contains", ["blob", "i64"], ([b, v]) => (b as RBlob).bytes.includes(int(v) & 0xff));
  def(r, "to_array", ["blob"], ([b]) => [...(b as RBlob).bytes]);
  def(r, "as_string", ["blob"], ([b]) => Buffer.from((b as RBlob).bytes).toString("utf8"));
  def(r, "to_blob", ["array"], ([a]) => new RBlob((a as Value[]).map((x) => int(x) & 0xff)));
  def(r, "get", ["blob", "i64"], ([b, i]) => {
    const by = (b as RBlob).bytes;
    // calc_offset_len: a negative index counts from the end, clamped at 0
    const k = int(i) < 0 ? Math.max(0, by.length + int(i)) : int(i);
    return k < by.length ? by[k] : 0;
  });
  def(r, "reverse", ["blob"], ([b]) => {
    (b as RBlob).bytes.reverse();
  });
  def(r, "truncate", ["blob", "i64"], ([b, n]) => {
    const by = (b as RBlob).bytes;
    by.length = Math.min(by.length, Math.max(0, int(n)));
  });
  // misc
  def(r, "sleep", ["i64"], () => undefined);
  def(r, "tag", ["any"], () => 0);
  def(r, "is_shared", ["any"], () => false);
  def(r, "call", ["Fn"], ([f], ctx) => ctx.callFn(f as FnPtr, []));
  void RCustom;
}
