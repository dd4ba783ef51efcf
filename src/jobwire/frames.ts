// The framing of a sealed-job session over one byte stream (SSH stdin/stdout, an HTTP body): a message is
// a 4-byte big-endian length and that many bytes of canonical JSON (an object with a string `t`); a
// message `{t:"blob", size}` is followed by exactly `size` raw bytes. docs/spec/sealed-execution.md §3.
import type { Writable } from "node:stream";
import { canonicalJson, isErrorCode, SigrunError, utf8Decode, utf8Encode } from "../core/index.js";

/** First bytes a client sends, so `sigrun agent --stdin` tells a sealed job from a bundle. */
export const SEALED_MAGIC = "SIGRUN-SEALED/1\n";
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type Message = { readonly t: string } & Record<string, unknown>;

function bad(why: string): SigrunError {
  return new SigrunError("PROTOCOL_ERROR", `sealed session: ${why}`);
}

/** Pulls messages and blob bytes from a byte stream. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Uint8Array>;
  private ended = false;

  constructor(src: AsyncIterable<Uint8Array>, head?: Uint8Array) {
    this.it = src[Symbol.asyncIterator]();
    if (head) this.buf = Buffer.from(head);
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.it.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return true;
  }

  async readExact(n: number): Promise<Buffer> {
    while (this.buf.length < n) if (!(await this.fill())) throw bad("stream ended early");
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async expectMagic(): Promise<void> {
    const m = await this.readExact(SEALED_MAGIC.length);
    if (m.toString("latin1") !== SEALED_MAGIC) throw bad("expected the sealed-session magic");
  }

  async message(): Promise<Message> {
    const len = (await this.readExact(4)).readUInt32BE(0);
    if (len < 2 || len > MAX_MESSAGE_BYTES) throw bad(`message length ${len} out of range`);
    const body = await this.readExact(len);
    let v: unknown;
    try {
      v = JSON.parse(utf8Decode(body, "message"));
    } catch {
      throw bad("message: not json");
    }
    if (typeof v !== "object" || v === null || Array.isArray(v) || typeof (v as Message).t !== "string")
      throw bad("message: expected an object with a string t");
    const m = v as Message;
    if (m.t === "error") {
      // the peer's code when it is one of ours (its message is not shown: only a code crosses the wire)
      // (USAGE too: the peer's own settings, never this command line — the CLI would print `see --help`)
      const code =
        isErrorCode(m.code) && m.code !== "INTERNAL" && m.code !== "USAGE" ? m.code : "PEER_REJECTED";
      const why =
        code === "PEER_REJECTED"
          ? `the host refused the sealed job (its code: ${String(m.code).slice(0, 40)})`
          : `the peer refused the sealed job: ${String(m.code).slice(0, 40)}`;
      throw new SigrunError(code, why, {
        details: { peer: true },
      });
    }
    return m;
  }

  async expect(t: string): Promise<Message> {
    const m = await this.message();
    if (m.t !== t) throw bad(`expected a ${t} message, got ${m.t}`);
    return m;
  }

  /** Exactly `size` bytes of the blob that follows a blob message, as chunks (not buffered whole). */
  async *blob(size: number): AsyncGenerator<Buffer> {
    let left = size;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill())) throw bad("stream ended inside a blob");
      const take = Math.min(left, this.buf.length);
      const out = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      yield out;
    }
  }

  /** True when the stream ended with nothing left over. */
  async atEnd(): Promise<boolean> {
    if (this.buf.length > 0) return false;
    return !(await this.fill()) && this.buf.length === 0;
  }
}

/** Writes messages and blobs with backpressure. */
export class FrameWriter {
  constructor(private readonly out: Writable) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.out.destroyed || this.out.writableEnded) throw bad("peer closed the stream");
    if (this.out.write(chunk)) return;
    const out = this.out;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        out.off("drain", done);
        out.off("close", done);
        out.off("error", done);
        resolve();
      };
      out.on("drain", done);
      out.on("close", done);
      out.on("error", done);
    });
  }

  async magic(): Promise<void> {
    await this.write(Buffer.from(SEALED_MAGIC, "latin1"));
  }

  async message(m: Message): Promise<void> {
    const body = utf8Encode(canonicalJson(m));
    if (body.byteLength > MAX_MESSAGE_BYTES) throw bad("message too large");
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.byteLength, 0);
    await this.write(Buffer.concat([head, body]));
  }

  /** A blob message then exactly `size` bytes from `src`; a source of another length is an error. */
  async blob(header: Record<string, unknown>, size: number, src: AsyncIterable<Uint8Array>): Promise<void> {
    await this.message({ t: "blob", ...header, size });
    let n = 0;
    for await (const c of src) {
      n += c.byteLength;
      if (n > size) throw bad("blob longer than declared");
      await this.write(c);
    }
    if (n !== size) throw bad("blob shorter than declared");
  }

  async end(): Promise<void> {
    if (this.out.writableEnded) return;
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
