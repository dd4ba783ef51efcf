import { type Position, RhaiError } from "./errors.js";
import type { Runtime } from "./runtime.js";
import { charsOf, sliceChars } from "./strings.js";
import { normInt, RBlob, RChar, RCustom, RRange, typeName, type Value } from "./values.js";

function err(kind: string, msg: string, pos: Position): RhaiError {
  return new RhaiError(kind, msg, { position: pos });
}

/** `obj.name` */
export function getProp(rt: Runtime, o: Value, name: string, pos: Position): Value {
  if (o instanceof Map) {
    const v = o.get(name);
    if (v === undefined && rt.core.options.failOnInvalidMapProperty && !o.has(name))
      throw err("ErrorPropertyNotFound", `property not found: ${name}`, pos);
    return v;
  }
  const args = [o];
  const nf = rt.core.registry.resolve(`get$${name}`, args);
  if (nf) return rt.callNative(nf, args, pos);
  if (o instanceof RCustom) {
    const ix = rt.core.registry.resolve("index$get$", [o, name]);
    if (ix) return rt.callNative(ix, [o, name], pos);
  }
  throw err("ErrorDotExpr", `unknown property '${name}' for type '${typeName(o)}'`, pos);
}

/** `obj.name = v`; returns the (possibly new) object. */
export function setProp(rt: Runtime, o: Value, name: string, v: Value, pos: Position): Value {
  if (o instanceof Map) {
    if (!o.has(name)) checkMapGrow(rt, o, pos);
    o.set(name, v);
    return o;
  }
  const args = [o, v];
  const nf = rt.core.registry.resolve(`set$${name}`, args);
  if (nf) {
    rt.callNative(nf, args, pos);
    return args[0];
  }
  if (o instanceof RCustom) {
    const ix = rt.core.registry.resolve("index$set$", [o, name, v]);
    if (ix) {
      rt.callNative(ix, [o, name, v], pos);
      return o;
    }
  }
  throw err("ErrorDotExpr", `cannot set property '${name}' of type '${typeName(o)}'`, pos);
}

function checkMapGrow(rt: Runtime, m: Map<string, Value>, pos: Position): void {
  const max = rt.limits.maxMapSize;
  if (max > 0 && m.size + 1 > max)
    throw err("ErrorDataTooLarge", "size of object map exceeds the limit", pos);
}

function toIndex(i: Value, len: number, pos: Position, kind: string): number {
  if (typeof i !== "number") {
    if (typeof i === "bigint") throw err(kind, `index ${i} out of bounds`, pos);
    throw err("ErrorMismatchDataType", `index must be an integer, not ${typeName(i)}`, pos);
  }
  const k = i < 0 ? len + i : i;
  if (k < 0 || k >= len) throw err(kind, `index ${i} out of bounds: length is ${len}`, pos);
  return k;
}

/** Rhai's `calc_index`: -1 when out of range. */
function calcIndex(len: number, i: number, fromEnd: boolean): number {
  if (len === 0) return -1;
  if (i < 0) return fromEnd && -i <= len ? len + i : -1;
  return i < len ? i : -1;
}

/** Char window [s, e) of a string range index, as Rhai's `get_indexed_mut`. */
function stringRange(r: RRange, len: number, pos: Position): [number, number] {
  if (len === 0) return [0, 0];
  const rs = Number(r.start);
  const re = Number(r.end);
  const s = rs >= 0 ? rs : calcIndex(len, rs, true);
  if (s < 0) throw err("ErrorStringBounds", `string index ${rs} out of bounds`, pos);
  const e = re >= 0 ? re : Math.max(0, calcIndex(len, re, true));
  if (!r.inclusive) {
    if (s === 0 && e >= len) return [0, len];
    return [Math.min(s, len), Math.min(len, Math.max(s, e))];
  }
  if (s === 0 && e >= len - 1) return [0, len];
  const take = e > s ? e - s + 1 : 0;
  return [Math.min(s, len), Math.min(len, s + take)];
}

/** Shift and width of a bit-field range index. */
function bitRange(r: RRange, pos: Position): [number, number] {
  const big = typeof r.end === "bigint";
  let s = Number(r.start);
  let e = Number(r.end);
  const bad = (v: number) => err("ErrorBitFieldBounds", `bit-field index ${v} out of bounds`, pos);
  if (!r.inclusive) {
    if (big && r.end === 9223372036854775807n) e = 64;
    if (calcIndex(64, s, false) < 0) throw bad(s);
    if (e < 0 || e > 64) throw bad(e);
    return e <= s ? [0, 0] : [s, e - s];
  }
  if (big && r.end === 9223372036854775807n) e = 63;
  if (calcIndex(64, s, false) < 0) throw bad(s);
  if (calcIndex(64, e, false) < 0) throw bad(e);
  s = Math.max(0, s);
  return e < s ? [0, 0] : [s, e - s + 1];
}

function bitIndex(i: Value, pos: Position): number {
  if (typeof i !== "number") throw err("ErrorMismatchDataType", "bit index must be an integer", pos);
  const b = i < 0 ? 64 + i : i;
  if (b < 0 || b >= 64) throw err("ErrorBitFieldBounds", `bit-field index ${i} out of bounds`, pos);
  return b;
}

/** `obj[idx]` */
export function getIndex(rt: Runtime, o: Value, i: Value, pos: Position): Value {
  if (Array.isArray(o)) {
    return o[toIndex(i, o.length, pos, "ErrorArrayBounds")];
  }
  if (o instanceof Map) {
    if (typeof i !== "string" && !(i instanceof RChar))
      throw err("ErrorMismatchDataType", `map index must be a string, not ${typeName(i)}`, pos);
    const k = typeof i === "string" ? i : i.c;
    const v = o.get(k);
    if (v === undefined && rt.core.options.failOnInvalidMapProperty && !o.has(k))
      throw err("ErrorPropertyNotFound", `property not found: ${k}`, pos);
    return v;
  }
  if (typeof o === "string") {
    const cs = charsOf(o);
    if (i instanceof RRange) {
      const [s, e] = stringRange(i, cs.length, pos);
      return sliceChars(cs, s, e);
    }
    const ch = cs[toIndex(i, cs.length, pos, "ErrorStringBounds")];
    if (ch === undefined) throw err("ErrorStringBounds", `string index ${String(i)} out of bounds`, pos);
    return new RChar(ch);
  }
  if (typeof o === "number" || typeof o === "bigint") {
    if (i instanceof RRange) {
      const [s, w] = bitRange(i, pos);
      if (w === 0) return 0;
      return normInt(
        BigInt.asIntN(64, (BigInt.asUintN(64, BigInt(o)) >> BigInt(s)) & ((1n << BigInt(w)) - 1n)),
      );
    }
    const b = bitIndex(i, pos);
    return ((BigInt(o) >> BigInt(b)) & 1n) === 1n;
  }
  if (o instanceof RBlob) return o.bytes[toIndex(i, o.bytes.length, pos, "ErrorArrayBounds")];
  const nf = rt.core.registry.resolve("index$get$", [o, i]);
  if (nf) return rt.callNative(nf, [o, i], pos);
  throw err("ErrorIndexingType", `type '${typeName(o)}' cannot be indexed`, pos);
}

/** `obj[idx] = v`; returns the (possibly new) container. */
export function setIndex(rt: Runtime, o: Value, i: Value, v: Value, pos: Position): Value {
  if (Array.isArray(o)) {
    o[toIndex(i, o.length, pos, "ErrorArrayBounds")] = v;
    return o;
  }
  if (o instanceof Map) {
    if (typeof i !== "string" && !(i instanceof RChar))
      throw err("ErrorMismatchDataType", `map index must be a string, not ${typeName(i)}`, pos);
    const k = typeof i === "string" ? i : i.c;
    if (!o.has(k)) checkMapGrow(rt, o, pos);
    o.set(k, v);
    return o;
  }
  if (typeof o === "string") {
    const cs = charsOf(o);
    if (i instanceof RRange) {
      const [s, e] = stringRange(i, cs.length, pos);
      const ins = typeof v === "string" ? v : v instanceof RChar ? v.c : null;
      if (ins === null) throw err("ErrorMismatchDataType", `expecting a string, not ${typeName(v)}`, pos);
      return sliceChars(cs, 0, s) + ins + sliceChars(cs, e, cs.length);
    }
    const k = toIndex(i, cs.length, pos, "ErrorStringBounds");
    if (!(v instanceof RChar))
      throw err("ErrorMismatchDataType", `expecting a char, not ${typeName(v)}`, pos);
    cs[k] = v.c;
    return cs.join("");
  }
  if (typeof o === "number" || typeof o === "bigint") {
    const x = BigInt(o);
    if (i instanceof RRange) {
      if (typeof v !== "number" && typeof v !== "bigint")
        throw err("ErrorMismatchDataType", "bit-field value must be an integer", pos);
      const [s, w] = bitRange(i, pos);
      const mask = ((1n << BigInt(w)) - 1n) << BigInt(s);
      return normInt(BigInt.asIntN(64, (x & ~mask) | ((BigInt(v) << BigInt(s)) & mask)));
    }
    const b = bitIndex(i, pos);
    if (typeof v !== "boolean") throw err("ErrorMismatchDataType", "bit value must be a bool", pos);
    const m = 1n << BigInt(b);
    return normInt(BigInt.asIntN(64, v ? x | m : x & ~m));
  }
  if (o instanceof RBlob) {
    if (typeof v !== "number") throw err("ErrorMismatchDataType", "blob element must be an integer", pos);
    o.bytes[toIndex(i, o.bytes.length, pos, "ErrorArrayBounds")] = v & 0xff;
    return o;
  }
  const nf = rt.core.registry.resolve("index$set$", [o, i, v]);
  if (nf) {
    rt.callNative(nf, [o, i, v], pos);
    return o;
  }
  throw err("ErrorIndexingType", `type '${typeName(o)}' cannot be indexed`, pos);
}
