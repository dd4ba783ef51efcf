import type { FnRegistry } from "../registry.js";
import { RBlob, type RChar, RFloat, type RRange, type Value } from "../values.js";
import { def, int } from "./util.js";

// Rhai's `calc_offset_len`: negative start counts from the end, out-of-range start gives an empty window.
function win(n: number, start: number, len: number): [number, number] {
  if (start < 0) start = Math.max(0, n + start);
  if (start >= n || len <= 0) return [n, n];
  return [start, Math.min(n, start + len)];
}
/** Rhai's range → (start, end): start clamped at 0, end at start; an inclusive range adds one. */
function rangeBounds(r: RRange): [number, number] {
  const s = Math.max(0, Number(r.start));
  const e = Math.max(s, Number(r.end));
  return [s, r.inclusive ? e + 1 : e];
}
function rwin(n: number, r: RRange): [number, number] {
  const [s, e] = rangeBounds(r);
  return win(n, s, e - s);
}

/** Registers `f` for (blob, start, len) and (blob, range) / (blob, range=) plus `extra` trailing params. */
function windowed(
  r: FnRegistry,
  name: string,
  extra: string[],
  f: (by: number[], s: number, e: number, rest: Value[]) => Value,
): void {
  def(r, name, ["blob", "i64", "i64", ...extra], (a) => {
    const by = (a[0] as RBlob).bytes;
    const [s, e] = win(by.length, int(a[1]), int(a[2]));
    return f(by, s, e, a.slice(3));
  });
  for (const t of ["range", "range="])
    def(r, name, ["blob", t, ...extra], (a) => {
      const by = (a[0] as RBlob).bytes;
      const [s, e] = rwin(by.length, a[1] as RRange);
      return f(by, s, e, a.slice(2));
    });
}

const utf8 = (s: string): number[] => Array.from(Buffer.from(s, "utf8"));

function floatBytes(x: number, le: boolean): number[] {
  const b = Buffer.alloc(8);
  if (le) b.writeDoubleLE(x);
  else b.writeDoubleBE(x);
  return Array.from(b);
}

/** The blob functions of Rhai's BasicBlobPackage that the core blob module does not have. */
export function registerBlobMore(r: FnRegistry): void {
  def(r, "append", ["blob", "string"], ([b, s]) => {
    (b as RBlob).bytes.push(...utf8(s as string));
  });
  def(r, "append", ["blob", "char"], ([b, c]) => {
    (b as RBlob).bytes.push(...utf8((c as RChar).c));
  });
  def(r, "+", ["blob", "char"], ([b, c]) => new RBlob([...(b as RBlob).bytes, ...utf8((c as RChar).c)]));
  def(r, "extract", ["blob", "i64"], ([b, s]) => {
    const by = (b as RBlob).bytes;
    const [x, y] = win(by.length, int(s), by.length);
    return new RBlob(by.slice(x, y));
  });
  windowed(r, "splice", ["blob"], (by, s, e, [o]) => {
    by.splice(s, e - s, ...(o as RBlob).bytes);
    return undefined;
  });
  windowed(r, "drain", [], (by, s, e) => new RBlob(by.splice(s, e - s)));
  // blob_basic.rs retain: len <= 0 keeps the blob; a start past the end takes all of it (mem::take)
  const retain = (by: number[], start: number, len: number): Value => {
    if (by.length === 0 || len <= 0) return new RBlob();
    const [s, e] = win(by.length, start, len);
    const removed = [...by.slice(0, s), ...by.slice(e)];
    by.splice(e);
    by.splice(0, s);
    return new RBlob(removed);
  };
  def(r, "retain", ["blob", "i64", "i64"], ([b, s, n]) => retain((b as RBlob).bytes, int(s), int(n)));
  for (const t of ["range", "range="])
    def(r, "retain", ["blob", t], ([b, g]) => {
      const [s, e] = rangeBounds(g as RRange);
      return retain((b as RBlob).bytes, s, e - s);
    });
  for (const [name, le] of [
    ["parse_le_float", true],
    ["parse_be_float", false],
  ] as const) {
    windowed(r, name, [], (by, s, e) => {
      const buf = Buffer.alloc(8);
      for (let i = 0; i < Math.min(8, e - s); i++) buf[i] = by[s + i]!;
      return new RFloat(le ? buf.readDoubleLE(0) : buf.readDoubleBE(0));
    });
  }
  for (const [name, le] of [
    ["write_le", true],
    ["write_be", false],
  ] as const) {
    windowed(r, name, ["f64"], (by, s, e, [v]) => {
      const src = floatBytes((v as RFloat).v, le);
      for (let i = 0; i < Math.min(8, e - s); i++) by[s + i] = src[i]!;
      return undefined;
    });
  }
}
