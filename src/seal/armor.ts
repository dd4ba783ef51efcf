import { SigrunError } from "../core/index.js";

// ASCII armor of age-encryption.org/v1: strict PEM (RFC 7468 §3) with the label "AGE ENCRYPTED FILE",
// padded base64 in 64-column lines. Decoding accepts LF or CRLF and whitespace before and after the
// block (at most 1 KiB each, as the reference implementation) and nothing else.

export const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
export const ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
const COLUMNS = 64;
const BYTES_PER_LINE = 48;
const MAX_WHITESPACE = 1024;
const WS_RE = /^[\t\n\v\f\r ]*$/;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function armorError(msg: string): SigrunError {
  return new SigrunError("SEAL_MALFORMED", `age armor: ${msg}`);
}

/** Streaming armor encoder: feed binary age bytes, get armored text bytes. */
export class ArmorEncoder {
  private carry: Buffer = Buffer.alloc(0);
  private started = false;

  update(data: Uint8Array): Buffer {
    const all = this.carry.byteLength ? Buffer.concat([this.carry, data]) : Buffer.from(data);
    const whole = all.byteLength - (all.byteLength % BYTES_PER_LINE);
    this.carry = Buffer.from(all.subarray(whole));
    let out = this.started ? "" : `${ARMOR_BEGIN}\n`;
    this.started = true;
    const b64 = all.subarray(0, whole).toString("base64");
    for (let i = 0; i < b64.length; i += COLUMNS) out += `${b64.slice(i, i + COLUMNS)}\n`;
    return Buffer.from(out, "latin1");
  }

  final(): Buffer {
    let out = this.started ? "" : `${ARMOR_BEGIN}\n`;
    if (this.carry.byteLength > 0) out += `${this.carry.toString("base64")}\n`;
    this.carry = Buffer.alloc(0);
    return Buffer.from(`${out}${ARMOR_END}\n`, "latin1");
  }
}

/** True when `head` (the first bytes of an input) is an armored age file. */
export function looksArmored(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("latin1");
  return text.trimStart().startsWith(ARMOR_BEGIN);
}

/** Bytes needed to decide `looksArmored` (leading whitespace allowance plus the BEGIN line). */
export const ARMOR_SNIFF_BYTES = MAX_WHITESPACE + ARMOR_BEGIN.length;

type State = "pre" | "body" | "footer" | "post";

/** Streaming strict armor decoder: feed armored bytes, get binary age bytes; `final()` checks the end. */
export class ArmorDecoder {
  private state: State = "pre";
  private partial = "";
  private whitespace = 0;
  private trailing = 0;

  update(data: Uint8Array): Buffer {
    const text = this.partial + Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
    const out: Buffer[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      this.line(text.slice(start, nl), true, out);
      start = nl + 1;
    }
    this.partial = text.slice(start);
    if (this.partial.length > MAX_WHITESPACE + COLUMNS) throw armorError("line too long");
    return Buffer.concat(out);
  }

  final(): Buffer {
    const out: Buffer[] = [];
    if (this.partial.length > 0 || this.state !== "post") this.line(this.partial, false, out);
    this.partial = "";
    if (this.state !== "post") throw armorError("missing END line");
    return Buffer.concat(out);
  }

  private line(raw: string, hadNewline: boolean, out: Buffer[]): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    switch (this.state) {
      case "pre":
        if (WS_RE.test(line)) {
          this.whitespace += raw.length + 1;
          if (this.whitespace > MAX_WHITESPACE) throw armorError("too much leading whitespace");
          if (!hadNewline) throw armorError("no BEGIN line");
          return;
        }
        if (line !== ARMOR_BEGIN) throw armorError("invalid BEGIN line");
        this.state = "body";
        return;
      case "body": {
        if (line === ARMOR_END) {
          this.state = "post";
          return;
        }
        if (line.length === 0) throw armorError("empty line in armored data");
        if (line.length > COLUMNS) throw armorError("line longer than 64 columns");
        if (!B64_RE.test(line)) throw armorError("invalid base64");
        const bytes = Buffer.from(line, "base64");
        if (bytes.toString("base64") !== line) throw armorError("non-canonical base64");
        if (bytes.byteLength < BYTES_PER_LINE) this.state = "footer";
        else if (line.length !== COLUMNS) throw armorError("short line before the end");
        out.push(bytes);
        return;
      }
      case "footer":
        if (line !== ARMOR_END) throw armorError("expected END line after a short line");
        this.state = "post";
        return;
      case "post":
        if (!WS_RE.test(raw)) throw armorError("trailing data after END line");
        this.trailing += raw.length + (hadNewline ? 1 : 0);
        if (this.trailing >= MAX_WHITESPACE) throw armorError("too much trailing whitespace");
        return;
    }
  }
}
