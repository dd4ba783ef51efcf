import { decodeValue } from "./conformance.js";
import { floatCmp, valuesEqual } from "./ops.js";
import { RFloat, type Value } from "./values.js";

function approxEqual(a: Value, b: Value, eps: number): boolean {
  if (a instanceof RFloat && b instanceof RFloat) return Math.abs(a.v - b.v) <= eps || a.v === b.v;
  return valuesEqual(a, b);
}

function sameValue(actual: unknown, expected: unknown): boolean {
  const a = decodeValue(actual);
  const e = decodeValue(expected);
  if (a instanceof RFloat && e instanceof RFloat) {
    if (Number.isNaN(a.v) && Number.isNaN(e.v)) return true;
    return a.v === e.v || floatCmp(a.v, e.v) === 0;
  }
  return valuesEqual(a, e) && JSON.stringify(actual) === JSON.stringify(expected);
}

/** Compares a `runCase` output with a corpus case's `expect`; returns null when it passes, else a reason. */
export function checkCase(c: Record<string, unknown>, out: Record<string, unknown>): string | null {
  const ex = c.expect as Record<string, unknown>;
  const err = out.error as { kind: string } | undefined;
  if ("error" in ex) {
    if (!err) return `expected error ${ex.error}, got value ${JSON.stringify(out.value)}`;
    if (ex.error === "*") return null;
    if (err.kind !== ex.error) return `expected error ${ex.error}, got ${err.kind}`;
    return null;
  }
  if (err) return `unexpected error ${err.kind}: ${(out.error as { message: string }).message}`;
  if ("prints" in ex && JSON.stringify(ex.prints) !== JSON.stringify(out.prints))
    return `prints ${JSON.stringify(out.prints)} != ${JSON.stringify(ex.prints)}`;
  if ("debug" in ex && JSON.stringify(ex.debug) !== JSON.stringify(out.debug ?? []))
    return `debug ${JSON.stringify(out.debug)} != ${JSON.stringify(ex.debug)}`;
  if ("ok" in ex) return null;
  if ("len" in ex) {
    if (out.type !== ex.type) return `type ${out.type} != ${ex.type}`;
    const v = out.value;
    const len = Array.isArray(v)
      ? v.length
      : typeof v === "string"
        ? [...v].length
        : v && typeof v === "object"
          ? Object.keys(v).length
          : -1;
    return len === ex.len ? null : `len ${len} != ${ex.len}`;
  }
  if ("value" in ex) {
    if (out.type !== ex.type) return `type ${out.type} != ${ex.type} (value ${JSON.stringify(out.value)})`;
    if (typeof ex.approx === "number") {
      return approxEqual(decodeValue(out.value), decodeValue(ex.value), ex.approx)
        ? null
        : `value ${JSON.stringify(out.value)} !~ ${JSON.stringify(ex.value)}`;
    }
    return sameValue(out.value, ex.value)
      ? null
      : `value ${JSON.stringify(out.value)} != ${JSON.stringify(ex.value)}`;
  }
  return "unknown expectation";
}
