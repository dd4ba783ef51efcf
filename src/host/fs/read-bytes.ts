import { fstatSync, readSync } from "node:fs";
import { HostError } from "../errors.js";

/** Largest file content read into a script string (Rex has no cap). */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

/** Reads a whole descriptor from offset 0 (positional reads; the file offset is not used). */
export function readAllBytes(fd: number, path: string): Buffer {
  const size = fstatSync(fd).size;
  if (size > MAX_READ_BYTES) {
    throw new HostError(
      "FileContentTooLargeError",
      `File content too large: file exceeds the read limit. Content size: ${size} bytes, Block size limit: ${MAX_READ_BYTES} bytes, File: ${path}`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let pos = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    pos += n;
    total += n;
    if (total > MAX_READ_BYTES) {
      throw new HostError(
        "FileContentTooLargeError",
        `File content too large: file exceeds the read limit. Content size: ${total} bytes, Block size limit: ${MAX_READ_BYTES} bytes, File: ${path}`,
      );
    }
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 decode, failing like Rust's `read_to_string`. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new HostError("IoError", "stream did not contain valid UTF-8");
  }
}

/** Rust's `str::lines()`: split on \n, strip one trailing \r, no final empty line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}
