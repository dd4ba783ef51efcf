import { RhaiError } from "../errors.js";
import type { FnRegistry } from "../registry.js";
import type { Runtime } from "../runtime.js";
import { callFnPtr, fnPtrArity } from "../runtime.js";
import { charsOf } from "../strings.js";
import { RChar, RFloat, type RRange, type Value } from "../values.js";
import { stepRange } from "./core.js";
import { callElem, def, fnArg, int, RANGES, truthy } from "./util.js";

const bitsErr = (msg: string) => new RhaiError("ErrorBitFieldBounds", msg);

function u64(x: number | bigint): bigint {
  return BigInt.asUintN(64, BigInt(x));
}
function norm(y: bigint): number | bigint {
  const s = BigInt.asIntN(64, y);
  return Number.isSafeInteger(Number(s)) ? Number(s) : s;
}
/** (start, len) of a bit range, as Rhai's get_bits/set_bits with ranges. */
function bitRange(g: RRange): [number, number] {
  const s = Number(g.start);
  const e = Number(g.end) + (g.inclusive ? 1 : 0);
  if (s < 0 || s >= 64) throw bitsErr(`bit ${s} out of bounds`);
  return [s, Math.max(0, Math.min(e, 64) - s)];
}

/** Sleeps the thread, never past the run's wall-clock deadline (reaching it stops the run). */
function sleepSecs(rt: Runtime, secs: number): void {
  if (!(secs > 0)) return;
  const left = Math.max(0, rt.deadline - Date.now());
  const ms = Math.min(secs * 1000, left, 2 ** 31 - 1);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  if (secs * 1000 > left) throw new RhaiError("ErrorTerminated", "script terminated: time limit");
}

/** Items of Rhai's `Engine::new()` that the core modules lacked (issue 18's "missing"/"partial" lists). */
export function registerLangMore(r: FnRegistry): void {
  // bit fields with ranges, bits(value, from), the .bits getter
  for (const t of RANGES) {
    def(r, "get_bits", ["i64", t], ([x, g]) => {
      const [s, n] = bitRange(g);
      return norm((u64(x) >> BigInt(s)) & ((1n << BigInt(n)) - 1n));
    });
    def(r, "set_bits", ["i64", t, "i64"], (a) => {
      const [s, n] = bitRange(a[1]);
      const mask = ((1n << BigInt(n)) - 1n) << BigInt(s);
      a[0] = norm((u64(a[0]) & ~mask) | ((u64(a[2]) << BigInt(s)) & mask));
    });
  }
  const bitsFrom = (x: number | bigint, from: number): Value[] => {
    let st = from;
    if (st < 0) st += 64;
    if (st < 0 || st >= 64) throw bitsErr(`bit ${from} out of bounds`);
    const b = u64(x);
    const out: Value[] = [];
    for (let i = st; i < 64; i++) out.push(((b >> BigInt(i)) & 1n) === 1n);
    return out;
  };
  def(r, "bits", ["i64", "i64"], ([x, f]) => bitsFrom(x, int(f)));
  def(r, "get$bits", ["i64"], ([x]) => bitsFrom(x, 0));

  // chars
  def(r, "make_upper", ["char"], (a) => {
    const [c = ""] = a[0].c.toUpperCase(); // the first char ("ß" becomes "SS")
    a[0] = new RChar(c);
  });
  def(r, "make_lower", ["char"], (a) => {
    const [c = ""] = a[0].c.toLowerCase();
    a[0] = new RChar(c);
  });
  def(r, "max", ["char", "char"], ([x, y]) => (x.c >= y.c ? x : y));
  def(r, "min", ["char", "char"], ([x, y]) => (x.c <= y.c ? x : y));
  def(r, "get$chars", ["string"], ([s]) => charsOf(s).map((c) => new RChar(c)));

  // string set(index, char): replaces one character; an index out of range does nothing
  def(r, "set", ["string", "i64", "char"], (a) => {
    const cs = charsOf(a[0]);
    let i = int(a[1]);
    if (i < 0) i += cs.length;
    if (i < 0 || i >= cs.length) return;
    cs[i] = a[2].c;
    a[0] = cs.join("");
  });

  // array find / find_map from a start index; zip with the index as a third argument
  const start = (n: number, s: number | bigint) => {
    const k = int(s);
    return k < 0 ? Math.max(0, n + k) : k;
  };
  def(r, "find", ["array", "any", "i64"], ([arr, f, s], rt) => {
    const fp = fnArg(f);
    for (let i = start(arr.length, s); i < arr.length; i++)
      if (truthy(callElem(rt, fp, null, i, arr[i]), "find")) return arr[i];
    return undefined;
  });
  def(r, "find_map", ["array", "any", "i64"], ([arr, f, s], rt) => {
    const fp = fnArg(f);
    for (let i = start(arr.length, s); i < arr.length; i++) {
      const v = callElem(rt, fp, null, i, arr[i]);
      if (v !== undefined) return v;
    }
    return undefined;
  });
  def(r, "zip", ["array", "array", "Fn"], ([x, y, fp], rt) => {
    const withIndex = fnPtrArity(rt, fp) === 3;
    const out: Value[] = [];
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      out.push(callFnPtr(rt, fp, withIndex ? [x[i], y[i], i] : [x[i], y[i]], null, rt.position));
    return out;
  });
  // index_of with a filter: the element is the first argument (Rhai moves `this` to position 0)
  def(r, "index_of", ["array", "Fn"], ([arr, f], rt) => {
    for (let i = 0; i < arr.length; i++) if (truthy(callElem(rt, f, null, i, arr[i]), "index_of")) return i;
    return -1;
  });
  def(r, "index_of", ["array", "Fn", "i64"], ([arr, f, s], rt) => {
    for (let i = start(arr.length, s); i < arr.length; i++)
      if (truthy(callElem(rt, f, null, i, arr[i]), "index_of")) return i;
    return -1;
  });

  // array drain/retain with a range (the callback forms take (array, any) and must not shadow these)
  const rwin = (n: number, g: RRange): [number, number] => {
    const st = Math.max(0, Number(g.start));
    const e = Math.min(n, Math.max(st, Number(g.end)) + (g.inclusive ? 1 : 0));
    return st >= n ? [n, n] : [st, e];
  };
  for (const t of RANGES) {
    def(r, "drain", ["array", t], ([arr, g]) => {
      const [x, y] = rwin(arr.length, g);
      return arr.splice(x, y - x);
    });
    def(r, "retain", ["array", t], ([arr, g]) => {
      const [x, y] = rwin(arr.length, g);
      // retain_range: an empty window leaves the array alone (array_basic.rs)
      if (x >= y) return [];
      const kept = arr.slice(x, y);
      const removed = [...arr.slice(0, x), ...arr.slice(y)];
      arr.length = 0;
      arr.push(...kept);
      return removed;
    });
  }

  // take(x): the value of x, leaving () in the variable
  def(r, "take", ["any"], (a) => {
    const v = a[0];
    a[0] = undefined;
    return v;
  });
  // parse_json(text): Rhai's Engine::parse_json (objects → maps, whole numbers → INT, null → ())
  def(r, "parse_json", ["string"], ([t]) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch (err) {
      throw new RhaiError("ErrorParsing", `error parsing JSON: ${err instanceof Error ? err.message : err}`);
    }
    const conv = (x: unknown): Value => {
      if (typeof x === "number") return Number.isInteger(x) && !/[.eE]/.test(String(x)) ? x : new RFloat(x);
      if (typeof x === "string" || typeof x === "boolean") return x;
      if (Array.isArray(x)) return x.map(conv);
      if (typeof x === "object" && x !== null)
        return new Map(Object.entries(x).map(([k, v]): [string, Value] => [k, conv(v)]));
      return undefined; // null
    };
    return conv(parsed);
  });

  // range(from..to, step)
  def(r, "range", ["range", "i64"], ([g, st]) => stepRange(g.start, g.end, st));

  // sleep for a number of seconds (fractional allowed)
  def(r, "sleep", ["f64"], ([x], rt) => {
    sleepSecs(rt, x.v);
    return undefined;
  });
  def(r, "sleep", ["i64"], ([x], rt) => {
    sleepSecs(rt, int(x));
    return undefined;
  });
}
