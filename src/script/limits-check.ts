import { type Position, RhaiError } from "./errors.js";
import type { Runtime } from "./runtime.js";
import { RBlob, type Value } from "./values.js";

function tooLarge(what: string, pos: Position | null): RhaiError {
  return new RhaiError("ErrorDataTooLarge", `size of ${what} exceeds the limit`, { position: pos });
}

/** Counts array elements and map entries (nested containers in total), stopping past the limits. */
function sizes(v: Value, acc: { arr: number; map: number; str: number }, budget: number): void {
  if (Array.isArray(v)) {
    acc.arr += v.length;
    if (acc.arr > budget) return;
    for (const e of v) if (typeof e === "object" || typeof e === "string") sizes(e, acc, budget);
  } else if (v instanceof Map) {
    acc.map += v.size;
    if (acc.map > budget) return;
    for (const e of v.values()) if (typeof e === "object" || typeof e === "string") sizes(e, acc, budget);
  } else if (typeof v === "string") {
    acc.str += v.length;
  } else if (v instanceof RBlob) acc.arr += v.bytes.length;
}

/** Checks a value against the string/array/map size limits (`ErrorDataTooLarge`). */
export function checkSize(rt: Runtime, v: Value, pos: Position | null): void {
  if (!rt.sizeLimited) return;
  const L = rt.limits;
  if (typeof v === "string") {
    const max = L.maxStringSize;
    if (max > 0 && v.length * 3 > max && Buffer.byteLength(v, "utf8") > max) throw tooLarge("string", pos);
    return;
  }
  if (typeof v !== "object") return;
  if (Array.isArray(v) || v instanceof Map || v instanceof RBlob) {
    const acc = { arr: 0, map: 0, str: 0 };
    const budget = Math.max(
      L.maxArraySize || Number.MAX_SAFE_INTEGER,
      L.maxMapSize || Number.MAX_SAFE_INTEGER,
    );
    sizes(v, acc, budget);
    if (L.maxArraySize > 0 && acc.arr > L.maxArraySize) throw tooLarge("array", pos);
    if (L.maxMapSize > 0 && acc.map > L.maxMapSize) throw tooLarge("object map", pos);
  }
}

/** Cheap check of an array's own length after adding one scalar element. */
export function checkLen(rt: Runtime, len: number, pos: Position | null): void {
  const max = rt.limits.maxArraySize;
  if (max > 0 && len > max) throw tooLarge("array", pos);
}
