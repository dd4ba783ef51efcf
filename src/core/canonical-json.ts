import { SigrunError } from "./errors.js";

/**
 * Canonical JSON (RFC 8785 subset): object keys sorted by UTF-16 code units, no whitespace, integers only
 * (safe-integer range), strings as JSON.stringify writes them. Floats, NaN and undefined are rejected so
 * that two implementations cannot disagree on a number's text.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

const MAX_DEPTH = 64;

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new SigrunError("INPUT_INVALID", "canonical json: nesting too deep");
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isSafeInteger(value)) {
        throw new SigrunError("INPUT_INVALID", `canonical json: expected a safe integer, got ${value}`);
      }
      return String(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v) => encode(v, depth + 1)).join(",")}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(obj[k], depth + 1)}`).join(",")}}`;
    }
    default:
      throw new SigrunError("INPUT_INVALID", `canonical json: unsupported type ${typeof value}`);
  }
}
