import { type Position, RhaiError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { charsOf } from "../strings.js";
import { RBlob, RChar, RCustom, RFloat, RRange, sortedKeys, typeName, type Value } from "../values.js";

/** Data of a `range(from, to, step)` value (an RCustom "StepRange"). */
export interface StepRange {
  from: number | bigint | RFloat;
  to: number | bigint | RFloat;
  step: number | bigint | RFloat;
}

function* intRange(a: number | bigint, b: number | bigint, inclusive: boolean): Generator<Value> {
  if (typeof a === "number" && typeof b === "number") {
    const end = inclusive ? b + 1 : b;
    for (let i = a; i < end; i++) yield i;
    return;
  }
  let i = BigInt(a);
  const e = BigInt(b);
  for (; inclusive ? i <= e : i < e; i++) yield Number.isSafeInteger(Number(i)) ? Number(i) : i;
}

function* stepRange(s: StepRange): Generator<Value> {
  if (s.from instanceof RFloat || s.to instanceof RFloat || s.step instanceof RFloat) {
    const f = (x: number | bigint | RFloat) => (x instanceof RFloat ? x.v : Number(x));
    const a = f(s.from);
    const b = f(s.to);
    const st = f(s.step);
    if (st === 0) return;
    if (st > 0) for (let x = a; x < b; x += st) yield new RFloat(x);
    else for (let x = a; x > b; x += st) yield new RFloat(x);
    return;
  }
  const a = BigInt(s.from as number | bigint);
  const b = BigInt(s.to as number | bigint);
  const st = BigInt(s.step as number | bigint);
  if (st === 0n) return;
  const norm = (x: bigint) => (x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x);
  if (st > 0n) for (let x = a; x < b; x += st) yield norm(x);
  else for (let x = a; x > b; x += st) yield norm(x);
}

/** The iteration sequence of a value in `for … in`. */
export function iterate(rt: Runtime, v: Value, pos: Position | null): Iterable<Value> {
  if (Array.isArray(v)) return v.slice();
  if (v instanceof RRange) return intRange(v.start, v.end, v.inclusive);
  if (typeof v === "string") return charsOf(v).map((c) => new RChar(c));
  if (v instanceof RBlob) return v.bytes.slice();
  if (v instanceof Map) return sortedKeys(v);
  if (v instanceof RCustom) {
    if (v.typeName === "StepRange") return stepRange(v.data as StepRange);
    const nf = rt.core.registry.resolve("iter$", [v]);
    if (nf) {
      const r = rt.callNative(nf, [v], pos);
      if (Array.isArray(r)) return r;
    }
    const d = v.data as { [Symbol.iterator]?: () => Iterator<Value> } | null;
    if (d && typeof d === "object" && typeof d[Symbol.iterator] === "function") return d as Iterable<Value>;
  }
  throw new RhaiError("ErrorFor", `type '${typeName(v)}' is not iterable`, { position: pos });
}
