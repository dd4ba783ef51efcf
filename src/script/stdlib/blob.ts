import { RhaiError } from "../errors.js";
import { toDebug } from "../format.js";
import type { FnRegistry } from "../registry.js";
import { normInt, RBlob, type Value } from "../values.js";
import { def, int, overwrite, RANGES, rwin, win } from "./util.js";

/** blob_basic.rs parse_int: up to 8 bytes copied to the front of a zeroed buffer, then decoded
 * (so fewer than 8 big-endian bytes land in the high-order bytes). */
function readInt(b: number[], s: number, e: number, le: boolean): Value {
  const bytes = b.slice(s, Math.min(e, s + 8));
  const buf = Buffer.alloc(8);
  buf.set(bytes, 0);
  return normInt(le ? buf.readBigInt64LE(0) : buf.readBigInt64BE(0));
}

/** blob_basic.rs write_int: overwrites bytes [s, e) (at most 8) with the first bytes of the 8-byte encoding. */
function writeInt(b: number[], s: number, e: number, v: number | bigint, le: boolean): void {
  const buf = Buffer.alloc(8);
  const x = BigInt.asUintN(64, BigInt(v));
  if (le) buf.writeBigUInt64LE(x);
  else buf.writeBigUInt64BE(x);
  const n = Math.max(0, Math.min(e - s, 8));
  b.splice(s, n, ...buf.subarray(0, n));
}

function writeStr(b: number[], s: number, e: number, text: string, ascii: boolean): void {
  const src = ascii
    ? [...text].filter((c) => c.charCodeAt(0) < 128).map((c) => c.charCodeAt(0))
    : Array.from(Buffer.from(text, "utf8"));
  overwrite(b, s, e, src);
}

export function registerBlob(r: FnRegistry): void {
  for (const [name, le] of [
    ["parse_le_int", true],
    ["parse_be_int", false],
  ] as const) {
    def(r, name, ["blob", "i64", "i64"], ([b, s, n]) => {
      const by = b.bytes;
      const [x, y] = win(by.length, int(s), int(n));
      return readInt(by, x, y, le);
    });
    for (const t of RANGES)
      def(r, name, ["blob", t], ([b, g]) => {
        const by = b.bytes;
        const [x, y] = rwin(by.length, g);
        return readInt(by, x, y, le);
      });
  }
  for (const [name, le] of [
    ["write_le", true],
    ["write_be", false],
  ] as const) {
    def(r, name, ["blob", "i64", "i64", "i64"], ([b, s, n, v]) => {
      const by = b.bytes;
      const [x, y] = win(by.length, int(s), int(n));
      writeInt(by, x, y, v, le);
    });
    for (const t of RANGES)
      def(r, name, ["blob", t, "i64"], ([b, g, v]) => {
        const by = b.bytes;
        const [x, y] = rwin(by.length, g);
        writeInt(by, x, y, v, le);
      });
  }
  for (const [name, ascii] of [
    ["write_ascii", true],
    ["write_utf8", false],
  ] as const) {
    def(r, name, ["blob", "i64", "i64", "string"], ([b, s, n, v]) => {
      const by = b.bytes;
      const [x, y] = win(by.length, int(s), int(n));
      writeStr(by, x, y, v, ascii);
    });
    for (const t of RANGES)
      def(r, name, ["blob", t, "string"], ([b, g, v]) => {
        const by = b.bytes;
        const [x, y] = rwin(by.length, g);
        writeStr(by, x, y, v, ascii);
      });
  }
  def(r, "extract", ["blob", "i64", "i64"], ([b, s, n]) => {
    const by = b.bytes;
    const [x, y] = win(by.length, int(s), int(n));
    return new RBlob(by.slice(x, y));
  });
  for (const t of RANGES)
    def(r, "extract", ["blob", t], ([b, g]) => {
      const by = b.bytes;
      const [x, y] = rwin(by.length, g);
      return new RBlob(by.slice(x, y));
    });
  def(r, "insert", ["blob", "i64", "i64"], ([b, i, v]) => {
    const by = b.bytes;
    let k = int(i);
    if (k < 0) k = Math.max(0, by.length + k);
    by.splice(Math.min(k, by.length), 0, int(v) & 0xff);
  });
  def(r, "remove", ["blob", "i64"], ([b, i]) => {
    const by = b.bytes;
    let k = int(i);
    if (k < 0) k += by.length;
    return k >= 0 && k < by.length ? by.splice(k, 1)[0] : 0;
  });
  def(r, "set", ["blob", "i64", "i64"], ([b, i, v]) => {
    const by = b.bytes;
    let k = int(i);
    if (k < 0) k = Math.max(0, k + by.length);
    if (k >= 0 && k < by.length) by[k] = int(v) & 0xff;
  });
  def(r, "pad", ["blob", "i64", "i64"], ([b, n, v], rt) => {
    const by = b.bytes;
    const max = rt.limits.maxArraySize;
    if (max > 0 && int(n) > max) throw new RhaiError("ErrorDataTooLarge", "size of blob exceeds the limit");
    while (by.length < int(n)) by.push(int(v) & 0xff);
  });
  def(r, "chop", ["blob", "i64"], ([b, n]) => {
    const by = b.bytes;
    const k = Math.max(0, int(n));
    if (by.length > k) by.splice(0, by.length - k);
  });
  def(r, "split", ["blob", "i64"], ([b, i]) => {
    const by = b.bytes;
    let k = int(i);
    if (k < 0) k = Math.max(0, by.length + k);
    return new RBlob(by.splice(Math.min(k, by.length)));
  });
  // Rhai's Display of a blob is its Debug form (a space after every 8 bytes)
  def(r, "to_string", ["blob"], ([b]) => toDebug(b));
}
