import { RhaiError } from "../errors.js";
import type { FnRegistry } from "../registry.js";
import { RChar } from "../values.js";
import { arith, def, F, flt, int } from "./util.js";

/**
 * sigrun's opt-in extension package: functions Rhai's `Engine::new()` does not have (`float/1`,
 * `to_char/1`, `parse_bool/1`, `merge/2`, `round/2`, the char predicates). Off by default and always off
 * for bundles and `run`, so a script tested with sigrun also runs under rex-runner.
 */
export function registerExtras(r: FnRegistry): void {
  def(r, "round", ["f64", "i64"], ([x, d]) => {
    const k = 10 ** int(d);
    return F(Math.round(flt(x) * k) / k);
  });
  def(r, "to_char", ["i64"], ([x]) => {
    const n = int(x);
    if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) throw arith(`invalid character code: ${n}`);
    return new RChar(String.fromCodePoint(n));
  });
  def(r, "parse_bool", ["string"], ([s]) => {
    const t = s.trim();
    if (t === "true") return true;
    if (t === "false") return false;
    throw new RhaiError("ErrorMismatchDataType", `error parsing bool: '${s}'`);
  });
  def(r, "float", ["f64"], ([x]) => x);
  def(r, "merge", ["map", "map"], ([m, o]) => {
    const out = new Map(m);
    for (const [k, v] of o) out.set(k, v);
    return out;
  });
  def(r, "is_alphabetic", ["char"], ([c]) => /^\p{Alphabetic}$/u.test(c.c));
  def(r, "is_numeric", ["char"], ([c]) => /^\p{N}$/u.test(c.c));
  def(r, "is_digit", ["char"], ([c]) => /^[0-9]$/.test(c.c));
  def(r, "is_whitespace", ["char"], ([c]) => /^\s$/u.test(c.c));
  def(r, "is_uppercase", ["char"], ([c]) => /^\p{Lu}$/u.test(c.c));
  def(r, "is_lowercase", ["char"], ([c]) => /^\p{Ll}$/u.test(c.c));
}
