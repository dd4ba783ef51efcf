import { type Position, RhaiError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { charsOf } from "../strings.js";
import { RBlob, RChar, RCustom, RFloat, RRange, typeName, type Value } from "../values.js";

/** A number argument of `range(from, to, step)`. */
export type Num = number | bigint | RFloat;

/** Data of a `range(from, to, step)` value (an RCustom "StepRange"). */
export class StepRange {
  constructor(
    readonly from: Num,
    readonly to: Num,
    readonly step: Num,
  ) {}
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

function* stepRange({ from, to, step }: StepRange): Generator<Value> {
  if (from instanceof RFloat || to instanceof RFloat || step instanceof RFloat) {
    const f = (x: Num) => (x instanceof RFloat ? x.v : Number(x));
    const a = f(from);
    const b = f(to);
    const st = f(step);
    if (st === 0) return;
    if (st > 0) for (let x = a; x < b; x += st) yield new RFloat(x);
    else for (let x = a; x > b; x += st) yield new RFloat(x);
    return;
  }
  const a = BigInt(from);
  const b = BigInt(to);
  const st = BigInt(step);
  if (st === 0n) return;
  const norm = (x: bigint) => (x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x);
  if (st > 0n) for (let x = a; x < b; x += st) yield norm(x);
  else for (let x = a; x > b; x += st) yield norm(x);
}

/**
 * Whether a host object's data is iterable. Its items are taken as values: the host that registered the type
 * made them.
 */
function isIterable(d: unknown): d is Iterable<Value> {
  return (
    typeof d === "object" && d !== null && Symbol.iterator in d && typeof d[Symbol.iterator] === "function"
  );
}

/**
 * The iteration sequence of a value in `for … in`: Rhai registers iterators for arrays, blobs, strings and
 * ranges only (array_basic.rs, blob_basic.rs, iter_basic.rs, string_basic.rs); a map is not iterable
 * (`for k in m.keys()` is the Rhai form), so it fails with ErrorFor (eval/stmt.rs).
 */
export function iterate(rt: Runtime, v: Value, pos: Position | null): Iterable<Value> {
  if (Array.isArray(v)) return v.slice();
  if (v instanceof RRange) return intRange(v.start, v.end, v.inclusive);
  if (typeof v === "string") return charsOf(v).map((c) => new RChar(c));
  if (v instanceof RBlob) return v.bytes.slice();
  if (v instanceof RCustom) {
    if (v.data instanceof StepRange) return stepRange(v.data);
    const nf = rt.core.registry.resolve("iter$", [v]);
    if (nf) {
      const r = rt.callNative(nf, [v], pos);
      if (Array.isArray(r)) return r;
    }
    if (isIterable(v.data)) return v.data;
  }
  throw new RhaiError("ErrorFor", `type '${typeName(v)}' is not iterable`, { position: pos });
}
