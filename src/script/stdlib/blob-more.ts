import type { ArgType, FnRegistry } from "../registry.js";
import { RBlob, RFloat, type Value } from "../values.js";
import { def, int, overwrite, RANGES, rangeBounds, rwin, type StdParam, win } from "./util.js";

/** Registers `f` for (blob, start, len) and (blob, range) / (blob, range=). */
function windowed(r: FnRegistry, name: string, f: (by: number[], s: number, e: number) => Value): void {
  def(r, name, ["blob", "i64", "i64"], ([b, start, len]) => {
    const [s, e] = win(b.bytes.length, int(start), int(len));
    return f(b.bytes, s, e);
  });
  for (const t of RANGES)
    def(r, name, ["blob", t], ([b, g]) => {
      const [s, e] = rwin(b.bytes.length, g);
      return f(b.bytes, s, e);
    });
}

/** As {@link windowed}, with one more trailing parameter of type `p`. */
function windowedWith<P extends StdParam>(
  r: FnRegistry,
  name: string,
  p: P,
  f: (by: number[], s: number, e: number, x: ArgType<P>) => Value,
): void {
  def(r, name, ["blob", "i64", "i64", p], ([b, start, len, x]) => {
    const [s, e] = win(b.bytes.length, int(start), int(len));
    return f(b.bytes, s, e, x);
  });
  for (const t of RANGES)
    def(r, name, ["blob", t, p], ([b, g, x]) => {
      const [s, e] = rwin(b.bytes.length, g);
      return f(b.bytes, s, e, x);
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
    b.bytes.push(...utf8(s));
  });
  def(r, "append", ["blob", "char"], ([b, c]) => {
    b.bytes.push(...utf8(c.c));
  });
  def(r, "+", ["blob", "char"], ([b, c]) => new RBlob([...b.bytes, ...utf8(c.c)]));
  def(r, "extract", ["blob", "i64"], ([b, s]) => {
    const by = b.bytes;
    const [x, y] = win(by.length, int(s), by.length);
    return new RBlob(by.slice(x, y));
  });
  windowedWith(r, "splice", "blob", (by, s, e, o) => {
    by.splice(s, e - s, ...o.bytes);
    return undefined;
  });
  windowed(r, "drain", (by, s, e) => new RBlob(by.splice(s, e - s)));
  // blob_basic.rs retain: len <= 0 keeps the blob; a start past the end takes all of it (mem::take)
  const retain = (by: number[], start: number, len: number): Value => {
    if (by.length === 0 || len <= 0) return new RBlob();
    const [s, e] = win(by.length, start, len);
    const removed = [...by.slice(0, s), ...by.slice(e)];
    by.splice(e);
    by.splice(0, s);
    return new RBlob(removed);
  };
  def(r, "retain", ["blob", "i64", "i64"], ([b, s, n]) => retain(b.bytes, int(s), int(n)));
  for (const t of RANGES)
    def(r, "retain", ["blob", t], ([b, g]) => {
      const [s, e] = rangeBounds(g);
      return retain(b.bytes, s, e - s);
    });
  for (const [name, le] of [
    ["parse_le_float", true],
    ["parse_be_float", false],
  ] as const) {
    windowed(r, name, (by, s, e) => {
      const buf = Buffer.alloc(8);
      buf.set(by.slice(s, s + Math.min(8, e - s)));
      return new RFloat(le ? buf.readDoubleLE(0) : buf.readDoubleBE(0));
    });
  }
  for (const [name, le] of [
    ["write_le", true],
    ["write_be", false],
  ] as const) {
    windowedWith(r, name, "f64", (by, s, e, v) => {
      overwrite(by, s, e, floatBytes(v.v, le));
      return undefined;
    });
  }
}
