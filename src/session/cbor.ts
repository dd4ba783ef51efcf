import { SigrunError, utf8Decode, utf8Encode } from "../core/index.js";

/**
 * A strict, minimal CBOR (RFC 8949) subset for the join string and session messages:
 * unsigned integers (major 0, up to 2^53-1), byte strings (2), text strings (3), arrays (4) and
 * `true`/`false`. Definite lengths only, shortest ("preferred") argument encoding only, caps on
 * total size, depth, item count and string length; trailing data is an error. Encoding is canonical,
 * so decode → encode reproduces the input bytes exactly.
 */
export type CborValue = number | Uint8Array | string | boolean | readonly CborValue[];

export interface CborLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxItems: number;
  readonly maxString: number;
}

export const DEFAULT_CBOR_LIMITS: CborLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 8,
  maxItems: 4096,
  maxString: 64 * 1024 * 1024,
};

function fail(message: string): never {
  throw new SigrunError("INPUT_INVALID", `cbor: ${message}`);
}

function head(major: number, value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0) fail(`expected a non-negative safe integer, got ${value}`);
  const m = major << 5;
  if (value < 24) return [m | value];
  if (value < 0x100) return [m | 24, value];
  if (value < 0x10000) return [m | 25, value >> 8, value & 0xff];
  if (value < 0x100000000)
    return [m | 26, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  const hi = Math.floor(value / 0x100000000);
  const lo = value >>> 0;
  return [
    m | 27,
    (hi >>> 24) & 0xff,
    (hi >>> 16) & 0xff,
    (hi >>> 8) & 0xff,
    hi & 0xff,
    (lo >>> 24) & 0xff,
    (lo >>> 16) & 0xff,
    (lo >>> 8) & 0xff,
    lo & 0xff,
  ];
}

/** Canonical encoding of a value of the subset. */
export function cborEncode(value: CborValue): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    total += b.byteLength;
  };
  const walk = (v: CborValue, depth: number) => {
    if (depth > 16) fail("nesting too deep");
    if (typeof v === "number") push(Uint8Array.from(head(0, v)));
    else if (typeof v === "boolean") push(Uint8Array.of(v ? 0xf5 : 0xf4));
    else if (typeof v === "string") {
      const b = utf8Encode(v);
      push(Uint8Array.from(head(3, b.byteLength)));
      push(b);
    } else if (v instanceof Uint8Array) {
      push(Uint8Array.from(head(2, v.byteLength)));
      push(v);
    } else if (Array.isArray(v)) {
      push(Uint8Array.from(head(4, v.length)));
      for (const item of v) walk(item, depth + 1);
    } else fail(`unsupported value of type ${typeof v}`);
  };
  walk(value, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/** Strict decode of exactly one value occupying all of `bytes`. */
export function cborDecode(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): CborValue {
  if (bytes.byteLength > limits.maxBytes) fail(`input larger than ${limits.maxBytes} bytes`);
  let pos = 0;
  let items = 0;
  const need = (n: number) => {
    if (bytes.byteLength - pos < n) fail(`truncated at offset ${pos}`);
  };
  const readArg = (info: number): number => {
    if (info < 24) return info;
    let n: number;
    if (info === 24) n = 1;
    else if (info === 25) n = 2;
    else if (info === 26) n = 4;
    else if (info === 27) n = 8;
    else fail(`indefinite or reserved length (info ${info}) at offset ${pos - 1}`);
    need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + bytes[pos + i]!;
    pos += n;
    if (!Number.isSafeInteger(v)) fail("integer larger than 2^53-1");
    const min = n === 1 ? 24 : n === 2 ? 0x100 : n === 4 ? 0x10000 : 0x100000000;
    if (v < min) fail("non-shortest integer encoding");
    return v;
  };
  const walk = (depth: number): CborValue => {
    if (depth > limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth}`);
    if (++items > limits.maxItems) fail(`more than ${limits.maxItems} items`);
    need(1);
    const ib = bytes[pos++]!;
    const major = ib >> 5;
    const info = ib & 0x1f;
    switch (major) {
      case 0:
        return readArg(info);
      case 2:
      case 3: {
        const len = readArg(info);
        if (len > limits.maxString) fail(`string longer than ${limits.maxString} bytes`);
        need(len);
        const slice = bytes.slice(pos, pos + len);
        pos += len;
        return major === 2 ? slice : utf8Decode(slice, "cbor text");
      }
      case 4: {
        const len = readArg(info);
        if (len > limits.maxItems) fail(`array longer than ${limits.maxItems}`);
        const out: CborValue[] = [];
        for (let i = 0; i < len; i++) out.push(walk(depth + 1));
        return out;
      }
      case 7:
        if (ib === 0xf4) return false;
        if (ib === 0xf5) return true;
        return fail(`unsupported simple value 0x${ib.toString(16)}`);
      default:
        return fail(`unsupported major type ${major}`);
    }
  };
  const value = walk(0);
  if (pos !== bytes.byteLength) fail(`${bytes.byteLength - pos} bytes of trailing data`);
  return value;
}

/** Typed accessors for decoded arrays: each names the field and says expected vs got. */
export function asArray(v: CborValue, field: string, min: number, max = min): readonly CborValue[] {
  if (!Array.isArray(v)) fail(`${field}: expected an array`);
  if (v.length < min || v.length > max)
    fail(`${field}: expected ${min === max ? min : `${min}..${max}`} items, got ${v.length}`);
  return v;
}

export function asUint(v: CborValue | undefined, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number") fail(`${field}: expected an unsigned integer`);
  if (v > max) fail(`${field}: expected at most ${max}, got ${v}`);
  return v;
}

export function asBytes(v: CborValue | undefined, field: string, min: number, max = min): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(`${field}: expected a byte string`);
  if (v.byteLength < min || v.byteLength > max)
    fail(`${field}: expected ${min === max ? min : `${min}..${max}`} bytes, got ${v.byteLength}`);
  return v;
}

export function asText(v: CborValue | undefined, field: string, max: number): string {
  if (typeof v !== "string") fail(`${field}: expected a text string`);
  if (utf8Encode(v).byteLength > max) fail(`${field}: longer than ${max} bytes`);
  return v;
}

export function asBool(v: CborValue | undefined, field: string): boolean {
  if (typeof v !== "boolean") fail(`${field}: expected a boolean`);
  return v;
}
