import { RhaiError } from "../errors.js";
import type { FnRegistry } from "../registry.js";
import { charLen, charsOf, isSimple } from "../strings.js";
import { RBlob, RChar, type RRange, type Value } from "../values.js";
import { def, int, mismatch } from "./util.js";

function S(v: Value): string {
  if (typeof v === "string") return v;
  if (v instanceof RChar) return v.c;
  throw mismatch("string", v);
}

/** Char window [start, start+len) with Rhai's clamping (negative start counts from the end). */
function window(n: number, start: number, len: number): [number, number] {
  if (start < 0) start = Math.max(0, n + start);
  if (start >= n || len <= 0) return [n, n];
  return [start, Math.min(n, start + len)];
}

function rangeWindow(n: number, r: RRange): [number, number] {
  let s = Number(r.start);
  let e = r.inclusive ? Number(r.end) + 1 : Number(r.end);
  s = Math.max(0, s);
  e = Math.max(s, e);
  return window(n, s, e - s);
}

function sub(s: string, a: number, b: number): string {
  return isSimple(s) ? s.slice(a, b) : Array.from(s).slice(a, b).join("");
}

function indexOf(s: string, find: string, start: number): number {
  const cs = charsOf(s);
  if (start < 0) start = Math.max(0, cs.length + start);
  if (start > cs.length) return -1;
  const prefix = cs.slice(0, start).join("");
  const i = s.indexOf(find, prefix.length);
  if (i < 0) return -1;
  return charLen(s.slice(0, i));
}

function pad(s: string, len: number, fill: string, max: number): string {
  if (max > 0 && len > max) throw new RhaiError("ErrorDataTooLarge", "size of string exceeds the limit");
  let out = s;
  let n = charLen(s);
  // Rhai: a string already at least `len` long is left as it is (never cut)
  if (fill === "" || len <= n) return s;
  while (n < len) {
    out += fill;
    n += charLen(fill);
  }
  if (n > len) out = sub(out, 0, len);
  return out;
}

export function registerString(r: FnRegistry): void {
  def(r, ["len", "get$len"], ["string"], ([s]) => charLen(s as string));
  def(r, ["bytes", "get$bytes"], ["string"], ([s]) => Buffer.byteLength(s as string, "utf8"));
  def(r, ["is_empty", "get$is_empty"], ["string"], ([s]) => s === "");
  def(r, "to_string", ["string"], ([s]) => s);
  def(r, "to_string", ["char"], ([c]) => (c as RChar).c);
  def(r, ["to_upper"], ["string"], ([s]) => (s as string).toUpperCase());
  def(r, ["to_lower"], ["string"], ([s]) => (s as string).toLowerCase());
  def(r, ["to_upper"], ["char"], ([c]) => new RChar((c as RChar).c.toUpperCase()));
  def(r, ["to_lower"], ["char"], ([c]) => new RChar((c as RChar).c.toLowerCase()));
  def(r, "make_upper", ["string"], (a) => {
    a[0] = (a[0] as string).toUpperCase();
  });
  def(r, "make_lower", ["string"], (a) => {
    a[0] = (a[0] as string).toLowerCase();
  });
  def(r, "trim", ["string"], (a) => {
    a[0] = (a[0] as string).trim();
  });
  def(r, "clear", ["string"], (a) => {
    a[0] = "";
  });
  def(r, "truncate", ["string", "i64"], (a) => {
    a[0] = sub(a[0] as string, 0, Math.max(0, int(a[1])));
  });
  def(r, "pop", ["string"], (a) => {
    const cs = charsOf(a[0] as string);
    if (cs.length === 0) return undefined;
    const c = cs.pop() as string;
    a[0] = cs.join("");
    return new RChar(c);
  });
  def(r, "pop", ["string", "i64"], (a) => {
    const cs = charsOf(a[0] as string);
    const n = Math.max(0, Math.min(int(a[1]), cs.length));
    const tail = cs.splice(cs.length - n, n);
    a[0] = cs.join("");
    return tail.join("");
  });
  for (const t of ["string", "char"]) {
    def(r, "pad", ["string", "i64", t], (a, ctx) => {
      a[0] = pad(
        a[0] as string,
        int(a[1]),
        S(a[2]),
        (ctx as unknown as { limits: { maxStringSize: number } }).limits.maxStringSize,
      );
    });
    def(r, "contains", ["string", t], ([s, x]) => (s as string).includes(S(x)));
    def(r, "starts_with", ["string", t], ([s, x]) => (s as string).startsWith(S(x)));
    def(r, "ends_with", ["string", t], ([s, x]) => (s as string).endsWith(S(x)));
    def(r, "index_of", ["string", t], ([s, x]) => indexOf(s as string, S(x), 0));
    def(r, "index_of", ["string", t, "i64"], ([s, x, st]) => indexOf(s as string, S(x), int(st)));
    def(r, "remove", ["string", t], (a) => {
      a[0] = (a[0] as string).split(S(a[1])).join("");
    });
    def(r, "split", ["string", t], ([s, x]) => (s as string).split(S(x)));
    def(r, "split", ["string", t, "i64"], ([s, x, n]) => {
      const parts = (s as string).split(S(x));
      const k = Math.max(1, int(n));
      if (parts.length <= k) return parts;
      return [...parts.slice(0, k - 1), parts.slice(k - 1).join(S(x))];
    });
    def(r, "split_rev", ["string", t], ([s, x]) => (s as string).split(S(x)).reverse());
    def(r, "split_rev", ["string", t, "i64"], ([s, x, n]) => {
      const parts = (s as string).split(S(x)).reverse();
      const k = Math.max(1, int(n));
      if (parts.length <= k) return parts;
      return [
        ...parts.slice(0, k - 1),
        parts
          .slice(k - 1)
          .reverse()
          .join(S(x)),
      ];
    });
    for (const u of ["string", "char"]) {
      def(r, "replace", ["string", t, u], (a) => {
        const f = S(a[1]);
        a[0] = f === "" ? a[0] : (a[0] as string).split(f).join(S(a[2]));
      });
    }
  }
  def(r, "split", ["string"], ([s]) => (s as string).split(/\s+/).filter((x) => x !== ""));
  def(r, "split", ["string", "i64"], ([s, i]) => {
    const cs = charsOf(s as string);
    let k = int(i);
    if (k < 0) k = Math.max(0, cs.length + k);
    k = Math.min(k, cs.length);
    return [cs.slice(0, k).join(""), cs.slice(k).join("")];
  });
  def(r, "sub_string", ["string", "i64", "i64"], ([s, a, n]) => {
    const [x, y] = window(charLen(s as string), int(a), int(n));
    return sub(s as string, x, y);
  });
  def(r, "sub_string", ["string", "i64"], ([s, a]) => {
    const len = charLen(s as string);
    const [x, y] = window(len, int(a), len);
    return sub(s as string, x, y);
  });
  for (const rt of ["range", "range="]) {
    def(r, "sub_string", ["string", rt], ([s, rg]) => {
      const [x, y] = rangeWindow(charLen(s as string), rg as RRange);
      return sub(s as string, x, y);
    });
    def(r, "crop", ["string", rt], (a) => {
      const [x, y] = rangeWindow(charLen(a[0] as string), a[1] as RRange);
      a[0] = sub(a[0] as string, x, y);
    });
  }
  def(r, "crop", ["string", "i64", "i64"], (a) => {
    const [x, y] = window(charLen(a[0] as string), int(a[1]), int(a[2]));
    a[0] = sub(a[0] as string, x, y);
  });
  def(r, "crop", ["string", "i64"], (a) => {
    const len = charLen(a[0] as string);
    const [x, y] = window(len, int(a[1]), len);
    a[0] = sub(a[0] as string, x, y);
  });
  def(r, ["chars", "to_chars"], ["string"], ([s]) => charsOf(s as string).map((c) => new RChar(c)));
  def(r, "chars", ["string", "i64"], ([s, a]) => {
    const cs = charsOf(s as string);
    const [x, y] = window(cs.length, int(a), cs.length);
    return cs.slice(x, y).map((c) => new RChar(c));
  });
  def(r, "chars", ["string", "i64", "i64"], ([s, a, n]) => {
    const cs = charsOf(s as string);
    const [x, y] = window(cs.length, int(a), int(n));
    return cs.slice(x, y).map((c) => new RChar(c));
  });
  for (const t of ["range", "range="])
    def(r, "chars", ["string", t], ([s, g]) => {
      const cs = charsOf(s as string);
      const [x, y] = rangeWindow(cs.length, g as RRange);
      return cs.slice(x, y).map((c) => new RChar(c));
    });
  def(r, "to_blob", ["string"], ([s]) => new RBlob(Array.from(Buffer.from(s as string, "utf8"))));
  def(r, "get", ["string", "i64"], ([s, i]) => {
    const cs = charsOf(s as string);
    let k = int(i);
    if (k < 0) k += cs.length;
    const ch = k >= 0 ? cs[k] : undefined;
    return ch === undefined ? undefined : new RChar(ch);
  });
  def(r, "reverse", ["string"], (a) => {
    a[0] = charsOf(a[0] as string)
      .reverse()
      .join("");
  });
  def(r, "insert", ["string", "i64", "char"], (a) => {
    const cs = charsOf(a[0] as string);
    let k = int(a[1]);
    if (k < 0) k = Math.max(0, cs.length + k);
    cs.splice(Math.min(k, cs.length), 0, (a[2] as RChar).c);
    a[0] = cs.join("");
  });
  def(r, "append", ["string", "any"], (a) => {
    a[0] =
      (a[0] as string) + (typeof a[1] === "string" ? a[1] : a[1] instanceof RChar ? a[1].c : String(a[1]));
  });
  def(r, "contains", ["string", "string"], ([s, x]) => (s as string).includes(x as string));
}
