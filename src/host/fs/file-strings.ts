import { readSync } from "node:fs";
import { HostError, ioError } from "../errors.js";
import type { FileHandle } from "./file.js";
import { MAX_READ_BYTES } from "./read-bytes.js";

/** Rex's fixed minimum: runs of at least 4 printable characters. */
const MIN_STRING_LENGTH = 4;

/** Printable for Rex's `strings`: 0x20–0x7e and TAB. */
const printable = (c: number): boolean => (c >= 0x20 && c <= 0x7e) || c === 0x09;

/**
 * `file.extract_strings()`: read F; every run of at least 4 printable ASCII characters (0x20–0x7e and
 * TAB), like `strings(1)`, read in 64 KiB chunks from the start of the file. The strings returned hold
 * at most 64 MiB together (more is `FileContentTooLargeError`; Rex has no cap).
 */
export function extractStrings(f: FileHandle): string[] {
  f.requireRead();
  f.pageOffset = 0;
  const out: string[] = [];
  const buf = Buffer.allocUnsafe(64 * 1024);
  let current: number[] = [];
  let total = 0;
  let pos = 0;
  const flush = (): void => {
    if (current.length >= MIN_STRING_LENGTH) {
      total += current.length;
      if (total > MAX_READ_BYTES) {
        throw new HostError(
          "FileContentTooLargeError",
          `File content too large: extracted strings exceed ${MAX_READ_BYTES} bytes: ${f.fullPath()}`,
        );
      }
      out.push(Buffer.from(current).toString("latin1"));
    }
    current = [];
  };
  for (;;) {
    let n: number;
    try {
      n = readSync(f.fd, buf, 0, buf.length, pos);
    } catch (err) {
      throw ioError(err);
    }
    if (n === 0) break;
    pos += n;
    for (let i = 0; i < n; i++) {
      const c = buf[i] ?? 0;
      if (printable(c)) {
        current.push(c);
        if (total + current.length > MAX_READ_BYTES) flush();
      } else flush();
    }
  }
  flush();
  return out;
}
