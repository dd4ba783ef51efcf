import type { FnRegistry } from "../registry.js";
import { normInt, RBlob, RFloat, type RRange, type Value } from "../values.js";
import { def, int } from "./util.js";

function win(n: number, start: number, len: number): [number, number] {
  if (start < 0) start = Math.max(0, n + start);
  if (start >= n || len <= 0) return [n, n];
  return [start, Math.min(n, start + len)];
}
function rwin(n: number, r: RRange): [number, number] {
  const s = Math.max(0, Number(r.start));
  const e = r.inclusive ? Number(r.end) + 1 : Number(r.end);
  return win(n, s, Math.max(0, e - s));
}

function readInt(b: number[], s: number, e: number, le: boolean): Value {
  const bytes = b.slice(s, Math.min(e, s + 8));
  const buf = new Array(8).fill(0);
  for (let i = 0; i < bytes.length; i++) buf[le ? i : 8 - bytes.length + i] = bytes[i];
  let v = 0n;
  if (le) for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(buf[i]);
  else for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(buf[i]);
  return normInt(BigInt.asIntN(64, v));
}

function writeInt(b: number[], s: number, e: number, v: Value, le: boolean): void {
  const x = BigInt.asUintN(64, BigInt(v as number));
  const bytes: number[] = [];
  for (let i = 0; i < 8; i++) bytes.push(Number((x >> BigInt(8 * i)) & 0xffn));
  if (!le) bytes.reverse();
  const n = Math.min(e - s, 8);
  for (let i = 0; i < n; i++) b[s + i] = (le ? bytes[i] : bytes[8 - n + i]) ?? 0;
}

function writeStr(b: number[], s: number, e: number, text: string, ascii: boolean): void {
  const src = ascii
    ? [...text].filter((c) => c.charCodeAt(0) < 128).map((c) => c.charCodeAt(0))
    : Array.from(Buffer.from(text, "utf8"));
  for (let i = 0; i < e - s && i < src.length; i++) b[s + i] = src[i] ?? 0;
}

export function registerBlob(r: FnRegistry): void {
  for (const [name, le] of [
    ["parse_le_int", true],
    ["parse_be_int", false],
  ] as const) {
    def(r, name, ["blob", "i64", "i64"], ([b, s, n]) => {
      const by = (b as RBlob).bytes;
      const [x, y] = win(by.length, int(s), int(n));
      return readInt(by, x, y, le);
    });
    for (const t of ["range", "range="])
      def(r, name, ["blob", t], ([b, g]) => {
        const by = (b as RBlob).bytes;
        const [x, y] = rwin(by.length, g as RRange);
        return readInt(by, x, y, le);
      });
  }
  for (const [name, le] of [
    ["write_le", true],
    ["write_be", false],
  ] as const) {
    def(r, name, ["blob", "i64", "i64", "i64"], ([b, s, n, v]) => {
      const by = (b as RBlob).bytes;
      const [x, y] = win(by.length, int(s), int(n));
      writeInt(by, x, y, v, le);
    });
    for (const t of ["range", "range="])
      def(r, name, ["blob", t, "i64"], ([b, g, v]) => {
        const by = (b as RBlob).bytes;
        const [x, y] = rwin(by.length, g as RRange);
        writeInt(by, x, y, v, le);
      });
  }
  for (const [name, ascii] of [
    ["write_ascii", true],
    ["write_utf8", false],
  ] as const) {
    def(r, name, ["blob", "i64", "i64", "string"], ([b, s, n, v]) => {
      const by = (b as RBlob).bytes;
      const [x, y] = win(by.length, int(s), int(n));
      writeStr(by, x, y, v as string, ascii);
    });
    for (const t of ["range", "range="])
      def(r, name, ["blob", t, "string"], ([b, g, v]) => {
        const by = (b as RBlob).bytes;
        const [x, y] = rwin(by.length, g as RRange);
        writeStr(by, x, y, v as string, ascii);
      });
  }
  def(r, "extract", ["blob", "i64", "i64"], ([b, s, n]) => {
    const by = (b as RBlob).bytes;
    const [x, y] = win(by.length, int(s), int(n));
    return new RBlob(by.slice(x, y));
  });
  for (const t of ["range", "range="])
    def(r, "extract", ["blob", t], ([b, g]) => {
      const by = (b as RBlob).bytes;
      const [x, y] = rwin(by.length, g as RRange);
      return new RBlob(by.slice(x, y));
    });
  def(r, "insert", ["blob", "i64", "i64"], ([b, i, v]) => {
    const by = (b as RBlob).bytes;
    let k = int(i);
    if (k < 0) k = Math.max(0, by.length + k);
    by.splice(Math.min(k, by.length), 0, int(v) & 0xff);
  });
  def(r, "remove", ["blob", "i64"], ([b, i]) => {
    const by = (b as RBlob).bytes;
    let k = int(i);
    if (k < 0) k += by.length;
    return k >= 0 && k < by.length ? by.splice(k, 1)[0] : 0;
  });
  def(r, "set", ["blob", "i64", "i64"], ([b, i, v]) => {
    const by = (b as RBlob).bytes;
    let k = int(i);
    if (k < 0) k += by.length;
    if (k >= 0 && k < by.length) by[k] = int(v) & 0xff;
  });
  def(r, "pad", ["blob", "i64", "i64"], ([b, n, v]) => {
    const by = (b as RBlob).bytes;
    while (by.length < int(n)) by.push(int(v) & 0xff);
  });
  def(r, "chop", ["blob", "i64"], ([b, n]) => {
    const by = (b as RBlob).bytes;
    const k = Math.max(0, int(n));
    if (by.length > k) by.splice(0, by.length - k);
  });
  def(r, "split", ["blob", "i64"], ([b, i]) => {
    const by = (b as RBlob).bytes;
    let k = int(i);
    if (k < 0) k = Math.max(0, by.length + k);
    return new RBlob(by.splice(Math.min(k, by.length)));
  });
  def(
    r,
    "to_string",
    ["blob"],
    ([b]) => `[${(b as RBlob).bytes.map((x) => x.toString(16).padStart(2, "0")).join("")}]`,
  );
  void RFloat;
}
