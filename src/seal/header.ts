import { SigrunError } from "../core/index.js";
import { decodeRawBase64, encodeRawBase64 } from "./encoding.js";
import { hkdf, hmacSha256 } from "./primitives.js";

/** One recipient stanza of an age header: `-> type args…` plus a binary body. */
export interface Stanza {
  readonly type: string;
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

export interface ParsedHeader {
  readonly stanzas: readonly Stanza[];
  readonly mac: Uint8Array;
  /** The header bytes the MAC covers: everything up to and including the final `---`. */
  readonly macInput: Uint8Array;
  /** Length of the whole header in bytes, including the MAC line and its newline. */
  readonly length: number;
}

export const INTRO = "age-encryption.org/v1";
/** Caps: a header larger than this, or with more stanzas, is refused (age itself has none). */
export const MAX_HEADER_BYTES = 1024 * 1024;
export const MAX_STANZAS = 1024;
const COLUMNS = 64;
const BYTES_PER_LINE = 48;

function malformed(msg: string): SigrunError {
  return new SigrunError("SEAL_MALFORMED", `age header: ${msg}`);
}

function validArg(a: string): boolean {
  if (a.length === 0) return false;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/**
 * Parses an age v1 header from the start of `buf` (age-encryption.org/v1, "Header"), strictly: exact
 * intro line, `->` stanzas with VCHAR arguments and canonical base64 bodies wrapped at 64 columns and
 * ending with a short line, and a `--- <43 base64 chars>` MAC line. Returns `null` when `buf` ends
 * before the header does and `final` is false (more input may come).
 */
export function parseHeader(buf: Uint8Array, final: boolean): ParsedHeader | null {
  const text = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, MAX_HEADER_BYTES)).toString(
    "latin1",
  );
  let pos = 0;
  const nextLine = (): string | null => {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) return null;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    return line;
  };
  const incomplete = (): null => {
    if (final || buf.byteLength >= MAX_HEADER_BYTES) {
      throw malformed(buf.byteLength >= MAX_HEADER_BYTES ? "larger than 1 MiB" : "truncated");
    }
    return null;
  };
  // Fail fast on a wrong intro, even before a whole line has arrived.
  const introPrefix = text.slice(0, INTRO.length + 1);
  if (introPrefix !== `${INTRO}\n`.slice(0, introPrefix.length)) {
    throw malformed(buf.byteLength === 0 ? "file is empty" : "unsupported or missing version line");
  }
  const intro = nextLine();
  if (intro === null) return incomplete();
  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = pos;
    const line = nextLine();
    if (line === null) return incomplete();
    if (line.startsWith("---")) {
      const parts = line.split(" ");
      if (parts[0] !== "---" || parts.length !== 2) throw malformed("malformed closing line");
      const mac = decodeRawBase64(parts[1]!, "age header mac");
      if (mac.byteLength !== 32) throw malformed("mac is not 32 bytes");
      if (stanzas.length === 0) throw malformed("no recipient stanzas");
      return {
        stanzas,
        mac,
        macInput: buf.subarray(0, lineStart + 3),
        length: pos,
      };
    }
    if (!line.startsWith("->")) throw malformed("expected a stanza or the mac line");
    const parts = line.split(" ");
    if (parts[0] !== "->" || parts.length < 2) throw malformed("malformed stanza line");
    for (const a of parts.slice(1)) if (!validArg(a)) throw malformed("invalid stanza argument");
    const chunks: Uint8Array[] = [];
    for (;;) {
      const bodyLine = nextLine();
      if (bodyLine === null) return incomplete();
      if (bodyLine.length > COLUMNS) throw malformed("stanza body line longer than 64 columns");
      const bytes = decodeRawBase64(bodyLine, "age stanza body");
      chunks.push(bytes);
      if (bytes.byteLength < BYTES_PER_LINE) break;
    }
    if (stanzas.length >= MAX_STANZAS) throw malformed(`more than ${MAX_STANZAS} stanzas`);
    stanzas.push({ type: parts[1]!, args: parts.slice(2), body: new Uint8Array(Buffer.concat(chunks)) });
  }
}

/** Encodes the header without the MAC, ending in `---` (the MAC input). */
export function encodeHeaderNoMac(stanzas: readonly Stanza[]): Uint8Array {
  let s = `${INTRO}\n`;
  for (const st of stanzas) {
    for (const a of [st.type, ...st.args]) if (!validArg(a)) throw malformed("invalid stanza argument");
    s += `-> ${[st.type, ...st.args].join(" ")}\n`;
    const b64 = encodeRawBase64(st.body);
    for (let i = 0; i < b64.length; i += COLUMNS) s += `${b64.slice(i, i + COLUMNS)}\n`;
    if (b64.length % COLUMNS === 0) s += "\n";
  }
  s += "---";
  return new Uint8Array(Buffer.from(s, "latin1"));
}

/** HMAC key = HKDF-SHA-256(ikm = file key, salt = empty, info = "header"). */
export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  return hmacSha256(hkdf(fileKey, new Uint8Array(0), "header"), macInput);
}

/** The complete header: stanzas, `---`, a space, the base64 MAC and a newline. */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Uint8Array {
  const noMac = encodeHeaderNoMac(stanzas);
  const mac = headerMac(fileKey, noMac);
  return new Uint8Array(Buffer.concat([noMac, Buffer.from(` ${encodeRawBase64(mac)}\n`, "latin1")]));
}
