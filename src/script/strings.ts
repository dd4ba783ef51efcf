const SURROGATE = /[\uD800-\uDFFF]/;

/** True when every char of `s` is one UTF-16 unit (fast paths apply). */
export function isSimple(s: string): boolean {
  return !SURROGATE.test(s);
}

/** The Unicode scalar values of a string. */
export function charsOf(s: string): string[] {
  return isSimple(s) ? s.split("") : Array.from(s);
}

/** Length in chars. */
export function charLen(s: string): number {
  if (isSimple(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function sliceChars(cs: string[], s: number, e: number): string {
  return cs.slice(s, e).join("");
}

/** Substring by char positions (clamped). */
export function subChars(s: string, start: number, end: number): string {
  if (isSimple(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join("");
}

export function utf8Len(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
