import { RhaiError } from "../errors.js";
import type { FnRegistry } from "../registry.js";
import { charLen, charsOf, isSimple } from "../strings.js";
import { RBlob, RChar } from "../values.js";
import { displayOf } from "./display.js";
import { def, int, RANGES, rwin, win } from "./util.js";

/** The text of a string-or-char argument. */
function S(v: string | RChar): string {
  return typeof v === "string" ? v : v.c;
}

/** Rust's `str::split`: an empty delimiter matches at every char boundary ("ab" → ["", "a", "b", ""]). */
function rustSplit(s: string, d: string): string[] {
  return d === "" ? ["", ...charsOf(s), ""] : s.split(d);
}

function sub(s: string, a: number, b: number): string {
  return isSimple(s) ? s.slice(a, b) : Array.from(s).slice(a, b).join("");
}

function indexOf(s: string, find: string, start: number): number {
  // string_more.rs index_of: an empty string, or a start at/after the end, finds nothing
  if (s === "") return -1;
  const cs = charsOf(s);
  if (start < 0) start = Math.max(0, cs.length + start);
  if (start > 0 && start >= cs.length) return -1;
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

/** The tags of a pattern/fill argument that may be a string or a char. */
const TEXT = ["string", "char"] as const;

export function registerString(r: FnRegistry): void {
  def(r, ["len", "get$len"], ["string"], ([s]) => charLen(s));
  def(r, ["bytes", "get$bytes"], ["string"], ([s]) => Buffer.byteLength(s, "utf8"));
  def(r, ["is_empty", "get$is_empty"], ["string"], ([s]) => s === "");
  def(r, "to_string", ["string"], ([s]) => s);
  def(r, "to_string", ["char"], ([c]) => c.c);
  def(r, ["to_upper"], ["string"], ([s]) => s.toUpperCase());
  def(r, ["to_lower"], ["string"], ([s]) => s.toLowerCase());
  // a char whose case mapping is several chars ('ß' → "SS") stays as it is (string_more.rs to_upper_char)
  const oneChar = (c: string, m: string) => new RChar(charLen(m) === 1 ? m : c);
  def(r, ["to_upper"], ["char"], ([c]) => oneChar(c.c, c.c.toUpperCase()));
  def(r, ["to_lower"], ["char"], ([c]) => oneChar(c.c, c.c.toLowerCase()));
  def(r, "make_upper", ["string"], (a) => {
    a[0] = a[0].toUpperCase();
  });
  def(r, "make_lower", ["string"], (a) => {
    a[0] = a[0].toLowerCase();
  });
  def(r, "trim", ["string"], (a) => {
    a[0] = a[0].trim();
  });
  def(r, "clear", ["string"], (a) => {
    a[0] = "";
  });
  def(r, "truncate", ["string", "i64"], (a) => {
    a[0] = sub(a[0], 0, Math.max(0, int(a[1])));
  });
  def(r, "pop", ["string"], (a) => {
    const cs = charsOf(a[0]);
    const c = cs.pop();
    if (c === undefined) return undefined;
    a[0] = cs.join("");
    return new RChar(c);
  });
  def(r, "pop", ["string", "i64"], (a) => {
    const cs = charsOf(a[0]);
    const n = Math.max(0, Math.min(int(a[1]), cs.length));
    const tail = cs.splice(cs.length - n, n);
    a[0] = cs.join("");
    return tail.join("");
  });
  for (const t of TEXT) {
    def(r, "pad", ["string", "i64", t], (a, rt) => {
      a[0] = pad(a[0], int(a[1]), S(a[2]), rt.limits.maxStringSize);
    });
    def(r, "contains", ["string", t], ([s, x]) => s.includes(S(x)));
    def(r, "starts_with", ["string", t], ([s, x]) => s.startsWith(S(x)));
    def(r, "ends_with", ["string", t], ([s, x]) => s.endsWith(S(x)));
    def(r, "index_of", ["string", t], ([s, x]) => indexOf(s, S(x), 0));
    def(r, "index_of", ["string", t, "i64"], ([s, x, st]) => indexOf(s, S(x), int(st)));
    def(r, "remove", ["string", t], (a) => {
      a[0] = a[0].split(S(a[1])).join("");
    });
    def(r, "split", ["string", t], ([s, x]) => (s === "" ? [""] : rustSplit(s, S(x))));
    def(r, "split", ["string", t, "i64"], ([s, x, n]) => {
      if (s === "") return [""];
      const parts = rustSplit(s, S(x));
      const k = Math.max(1, int(n));
      if (parts.length <= k) return parts;
      return [...parts.slice(0, k - 1), parts.slice(k - 1).join(S(x))];
    });
    def(r, "split_rev", ["string", t], ([s, x]) => (s === "" ? [""] : rustSplit(s, S(x)).reverse()));
    def(r, "split_rev", ["string", t, "i64"], ([s, x, n]) => {
      if (s === "") return [""];
      const parts = rustSplit(s, S(x)).reverse();
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
    for (const u of TEXT) {
      def(r, "replace", ["string", t, u], (a) => {
        // Rust's str::replace: an empty pattern matches at every char boundary ("ab" → "-a-b-")
        const f = S(a[1]);
        const str = a[0];
        if (str === "") return;
        a[0] = f === "" ? `${S(a[2])}${charsOf(str).join(S(a[2]))}${S(a[2])}` : str.split(f).join(S(a[2]));
      });
    }
  }
  // split_whitespace; an empty string gives [""] (string_more.rs)
  def(r, "split", ["string"], ([s]) => (s === "" ? [""] : s.split(/\s+/).filter((x) => x !== "")));
  def(r, "split", ["string", "i64"], ([s, i]) => {
    const cs = charsOf(s);
    let k = int(i);
    // split_at: index <= 0 counts from the end, so split(0) keeps the whole string in front
    if (k <= 0) k = Math.max(0, cs.length + k);
    k = Math.min(k, cs.length);
    return [cs.slice(0, k).join(""), cs.slice(k).join("")];
  });
  def(r, "sub_string", ["string", "i64", "i64"], ([s, a, n]) => {
    const [x, y] = win(charLen(s), int(a), int(n));
    return sub(s, x, y);
  });
  def(r, "sub_string", ["string", "i64"], ([s, a]) => {
    const len = charLen(s);
    const [x, y] = win(len, int(a), len);
    return sub(s, x, y);
  });
  for (const t of RANGES) {
    def(r, "sub_string", ["string", t], ([s, rg]) => {
      const [x, y] = rwin(charLen(s), rg);
      return sub(s, x, y);
    });
    def(r, "crop", ["string", t], (a) => {
      const [x, y] = rwin(charLen(a[0]), a[1]);
      a[0] = sub(a[0], x, y);
    });
  }
  def(r, "crop", ["string", "i64", "i64"], (a) => {
    const [x, y] = win(charLen(a[0]), int(a[1]), int(a[2]));
    a[0] = sub(a[0], x, y);
  });
  def(r, "crop", ["string", "i64"], (a) => {
    const len = charLen(a[0]);
    const [x, y] = win(len, int(a[1]), len);
    a[0] = sub(a[0], x, y);
  });
  def(r, ["chars", "to_chars"], ["string"], ([s]) => charsOf(s).map((c) => new RChar(c)));
  def(r, "chars", ["string", "i64"], ([s, a]) => {
    const cs = charsOf(s);
    const [x, y] = win(cs.length, int(a), cs.length);
    return cs.slice(x, y).map((c) => new RChar(c));
  });
  def(r, "chars", ["string", "i64", "i64"], ([s, a, n]) => {
    const cs = charsOf(s);
    const [x, y] = win(cs.length, int(a), int(n));
    return cs.slice(x, y).map((c) => new RChar(c));
  });
  for (const t of RANGES)
    def(r, "chars", ["string", t], ([s, g]) => {
      const cs = charsOf(s);
      const [x, y] = rwin(cs.length, g);
      return cs.slice(x, y).map((c) => new RChar(c));
    });
  def(r, "to_blob", ["string"], ([s]) => new RBlob(Array.from(Buffer.from(s, "utf8"))));
  def(r, "get", ["string", "i64"], ([s, i]) => {
    const cs = charsOf(s);
    let k = int(i);
    if (k < 0) k += cs.length;
    const c = cs[k]; // undefined when k is out of range
    return c === undefined ? undefined : new RChar(c);
  });
  def(r, "reverse", ["string"], (a) => {
    a[0] = charsOf(a[0]).reverse().join("");
  });
  def(r, "insert", ["string", "i64", "char"], (a) => {
    const cs = charsOf(a[0]);
    let k = int(a[1]);
    if (k < 0) k = Math.max(0, cs.length + k);
    cs.splice(Math.min(k, cs.length), 0, a[2].c);
    a[0] = cs.join("");
  });
  // Rhai appends the item's `to_string` (as `+` does): `()` adds nothing, an array its display form;
  // a blob is read as lossy UTF-8 (string_more.rs append(blob))
  def(r, "append", ["string", "any"], (a, rt) => {
    const x = a[1];
    a[0] = a[0] + (x instanceof RBlob ? Buffer.from(x.bytes).toString("utf8") : displayOf(rt, x));
  });
  def(r, "contains", ["string", "string"], ([s, x]) => s.includes(x));
}
