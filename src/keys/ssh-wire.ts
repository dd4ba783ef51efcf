import { SigrunError } from "../core/errors.js";

/** Reader for the SSH wire encoding (RFC 4251 §5): uint32, string, mpint. Every read is bounds-checked. */
export class SshReader {
  private off = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.off === this.buf.byteLength;
  }

  uint32(): number {
    if (this.off + 4 > this.buf.byteLength)
      throw new SigrunError("KEY_INVALID", "ssh encoding: truncated uint32");
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.off, 4).getUint32(0);
    this.off += 4;
    return v;
  }

  bytes(): Uint8Array {
    const len = this.uint32();
    if (this.off + len > this.buf.byteLength)
      throw new SigrunError("KEY_INVALID", "ssh encoding: truncated string");
    const out = this.buf.subarray(this.off, this.off + len);
    this.off += len;
    return out;
  }

  string(): string {
    return Buffer.from(this.bytes()).toString("utf8");
  }

  raw(n: number): Uint8Array {
    if (this.off + n > this.buf.byteLength) throw new SigrunError("KEY_INVALID", "ssh encoding: truncated");
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }

  end(): void {
    if (!this.done) throw new SigrunError("KEY_INVALID", "ssh encoding: trailing data");
  }
}

/** Writer for the SSH wire encoding. */
export class SshWriter {
  private readonly parts: Uint8Array[] = [];

  uint32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v);
    this.parts.push(b);
    return this;
  }

  bytes(b: Uint8Array): this {
    this.uint32(b.byteLength);
    this.parts.push(b);
    return this;
  }

  string(s: string): this {
    return this.bytes(new TextEncoder().encode(s));
  }

  /** An mpint from unsigned big-endian magnitude bytes. */
  mpint(magnitude: Uint8Array): this {
    let i = 0;
    while (i < magnitude.byteLength && magnitude[i] === 0) i++;
    let m = magnitude.subarray(i);
    if (m.byteLength > 0 && (m[0]! & 0x80) !== 0) {
      const padded = new Uint8Array(m.byteLength + 1);
      padded.set(m, 1);
      m = padded;
    }
    return this.bytes(m);
  }

  raw(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }

  finish(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.parts));
  }
}
