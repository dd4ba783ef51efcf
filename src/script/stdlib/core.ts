import { RhaiError } from "../errors.js";
import { toDebug } from "../format.js";
import type { FnRegistry } from "../registry.js";
import { RBlob, RCustom, RFloat, RRange, RTimestamp, typeName, type Value } from "../values.js";
import { displayOf } from "./display.js";
import { type Num, StepRange } from "./iterate.js";
import { def, F, int, RANGES } from "./util.js";

/** `range(from, to, step)`: an iterable "StepRange" value. */
export function stepRange(from: Num, to: Num, step: Num): RCustom {
  // iter_basic.rs StepRange::new wraps the error: ErrorInFunctionCall("range", ErrorArithmetic)
  if ((step instanceof RFloat && step.v === 0) || step === 0)
    throw new RhaiError("ErrorInFunctionCall", "error in call to range", {
      inner: new RhaiError("ErrorArithmetic", "step value cannot be zero"),
    });
  return new RCustom("StepRange", new StepRange(from, to, step));
}

export function registerCore(r: FnRegistry): void {
  def(r, "type_of", ["any"], ([v]) => typeName(v));
  def(r, "to_string", ["any"], ([v], rt) => displayOf(rt, v));
  def(r, "to_debug", ["any"], ([v]) => toDebug(v));
  def(r, "print", ["any"], ([v], rt) => {
    rt.core.print(displayOf(rt, v));
  });
  def(r, "debug", ["any"], ([v], rt) => {
    rt.core.debug(toDebug(v), rt.position);
  });
  def(r, "range", ["i64", "i64"], ([a, b]) => new RRange(a, b, false));
  const nums = ["i64", "f64"] as const;
  for (const t of nums)
    for (const u of nums)
      for (const w of nums) def(r, "range", [t, u, w], ([from, to, step]) => stepRange(from, to, step));
  for (const t of RANGES) {
    def(r, ["start", "get$start"], [t], ([x]) => x.start);
    def(r, ["end", "get$end"], [t], ([x]) => x.end);
    def(r, ["is_inclusive", "get$is_inclusive"], [t], ([x]) => x.inclusive);
    def(r, ["is_exclusive", "get$is_exclusive"], [t], ([x]) => !x.inclusive);
    def(r, ["is_empty", "get$is_empty"], [t], ([g]) => (g.inclusive ? g.start > g.end : g.start >= g.end));
    def(r, "contains", [t, "i64"], ([g, n]) => n >= g.start && (g.inclusive ? n <= g.end : n < g.end));
    def(r, "len", [t], ([g]) => {
      const d = Number(g.end) - Number(g.start) + (g.inclusive ? 1 : 0);
      return Math.max(0, d);
    });
  }
  def(r, ["name", "get$name"], ["Fn"], ([f]) => f.name);
  def(r, ["is_anonymous", "get$is_anonymous"], ["Fn"], ([f]) => f.closure !== null);
  // timestamps
  def(r, "timestamp", [], () => new RTimestamp(performance.now()));
  def(r, ["elapsed", "get$elapsed"], ["timestamp"], ([t]) => F((performance.now() - t.ms) / 1000));
  // bit fields
  def(r, "get_bit", ["i64", "i64"], ([x, b]) => {
    const k = int(b) < 0 ? 64 + int(b) : int(b);
    if (k < 0 || k >= 64) throw new RhaiError("ErrorBitFieldBounds", `bit ${b} out of bounds`);
    return ((BigInt(x) >> BigInt(k)) & 1n) === 1n;
  });
  def(r, "set_bit", ["i64", "i64", "bool"], (a) => {
    const k = int(a[1]) < 0 ? 64 + int(a[1]) : int(a[1]);
    if (k < 0 || k >= 64) throw new RhaiError("ErrorBitFieldBounds", `bit ${a[1]} out of bounds`);
    const m = 1n << BigInt(k);
    const x = BigInt(a[0]);
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
    const y = (BigInt.asUintN(64, BigInt(x)) >> BigInt(st)) & ((1n << BigInt(w)) - 1n);
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
    const x = BigInt(a[0]);
    const y = BigInt.asIntN(64, (x & ~mask) | ((BigInt(a[3]) << BigInt(st)) & mask));
    a[0] = Number.isSafeInteger(Number(y)) ? Number(y) : y;
  });
  def(r, "bits", ["i64"], ([x]) => {
    const b = BigInt.asUintN(64, BigInt(x));
    const out: Value[] = [];
    for (let i = 0n; i < 64n; i++) out.push(((b >> i) & 1n) === 1n);
    return out;
  });
  def(r, "bits", ["i64", "i64", "i64"], ([x, s, n]) => {
    const b = BigInt.asUintN(64, BigInt(x));
    let st = int(s);
    if (st < 0) st += 64;
    // iter_basic.rs BitRange::new: the start must be a bit index (calc_index)
    if (st < 0 || st >= 64) throw new RhaiError("ErrorBitFieldBounds", `bit ${s} out of bounds`);
    const out: Value[] = [];
    for (let i = st; i < Math.min(64, st + int(n)); i++) out.push(((b >> BigInt(i)) & 1n) === 1n);
    return out;
  });
  for (const t of RANGES)
    def(r, "bits", ["i64", t], ([x, rg]) => {
      const b = BigInt.asUintN(64, BigInt(x));
      const e = Math.min(64, Number(rg.end) + (rg.inclusive ? 1 : 0));
      const out: Value[] = [];
      for (let i = Math.max(0, Number(rg.start)); i < e; i++) out.push(((b >> BigInt(i)) & 1n) === 1n);
      return out;
    });
  // blobs
  def(r, "blob", [], () => new RBlob());
  def(r, "blob", ["i64"], ([n], rt) => {
    const k = Math.max(0, int(n));
    const max = rt.limits.maxArraySize;
    if (max > 0 && k > max) throw new RhaiError("ErrorDataTooLarge", "size of blob exceeds the limit");
    return new RBlob(new Array(k).fill(0));
  });
  def(r, "blob", ["i64", "i64"], ([n, v], rt) => {
    const k = Math.max(0, int(n));
    const max = rt.limits.maxArraySize;
    if (max > 0 && k > max) throw new RhaiError("ErrorDataTooLarge", "size of blob exceeds the limit");
    return new RBlob(new Array(k).fill(int(v) & 0xff));
  });
  def(r, ["len", "get$len"], ["blob"], ([b]) => b.bytes.length);
  def(r, ["is_empty", "get$is_empty"], ["blob"], ([b]) => b.bytes.length === 0);
  def(r, ["push", "append"], ["blob", "i64"], ([b, v]) => {
    b.bytes.push(int(v) & 0xff);
  });
  def(r, "append", ["blob", "blob"], ([b, o]) => {
    b.bytes.push(...o.bytes);
  });
  // blob_basic.rs: popping or shifting an empty blob gives 0
  def(r, "pop", ["blob"], ([b]) => b.bytes.pop() ?? 0);
  def(r, "shift", ["blob"], ([b]) => b.bytes.shift() ?? 0);
  def(r, "clear", ["blob"], ([b]) => {
    b.bytes.length = 0;
  });
  def(r, "contains", ["blob", "i64"], ([b, v]) => b.bytes.includes(int(v) & 0xff));
  def(r, "to_array", ["blob"], ([b]) => [...b.bytes]);
  def(r, "as_string", ["blob"], ([b]) => Buffer.from(b.bytes).toString("utf8"));
  def(r, "to_blob", ["array"], ([a]) => new RBlob(a.map((x) => int(x) & 0xff)));
  def(r, "get", ["blob", "i64"], ([b, i]) => {
    const by = b.bytes;
    // calc_offset_len: a negative index counts from the end, clamped at 0
    const k = int(i) < 0 ? Math.max(0, by.length + int(i)) : int(i);
    return k < by.length ? by[k] : 0;
  });
  def(r, "reverse", ["blob"], ([b]) => {
    b.bytes.reverse();
  });
  def(r, "truncate", ["blob", "i64"], ([b, n]) => {
    const by = b.bytes;
    by.length = Math.min(by.length, Math.max(0, int(n)));
  });
  // misc
  def(r, "sleep", ["i64"], () => undefined);
  def(r, "tag", ["any"], () => 0);
  def(r, "is_shared", ["any"], () => false);
  def(r, "call", ["Fn"], ([f], rt) => rt.callFn(f, []));
}
