import { readSync } from "node:fs";
import { HostError, ioError } from "../errors.js";
import { compileRegex } from "../regex.js";
import type { FileHandle } from "./file.js";
import { redactionPatterns } from "./file.js";
import { decodeUtf8, MAX_READ_BYTES, readAllBytes, splitLines } from "./read-bytes.js";
import { redact } from "./redaction.js";

/** `file.read_lines(ReadLinesOptions)`: count < 0 = last |count| lines; start is 1-based. */
export function readFileLines(f: FileHandle, opts: { count?: number; start?: number }): string[] {
  f.requireRead();
  f.pageOffset = 0;
  const lines = splitLines(decodeUtf8(readAllBytes(f.fd, f.fullPath())));
  const { count, start } = opts;
  if (count !== undefined && count < 0) {
    const end = start !== undefined ? Math.max(0, start - 1) : lines.length;
    const n = -count;
    return lines.slice(Math.max(0, end - n), end);
  }
  if (count === undefined && start !== undefined) return lines.slice(Math.max(0, start - 1));
  if (count !== undefined) {
    const skip = start !== undefined ? Math.max(0, start - 1) : 0;
    return lines.slice(skip, skip + count);
  }
  throw new HostError("InvalidArguments", "Invalid arguments: No read line mode specified");
}

/** `file.search(regex)`: matching lines with 1-based numbers. */
export function searchFile(
  f: FileHandle,
  pattern: string,
): Array<{ line_number: number; line_content: string }> {
  const redacted = f.readMode();
  f.pageOffset = 0;
  const re = compileRegex(pattern);
  let text = decodeUtf8(readAllBytes(f.fd, f.fullPath()));
  if (redacted) text = redact(text, redactionPatterns(f.ctx));
  const out: Array<{ line_number: number; line_content: string }> = [];
  splitLines(text).forEach((line, i) => {
    if (re.test(line)) out.push({ line_number: i + 1, line_content: line });
  });
  return out;
}

/** `file.counts()`: read F; lines = newlines, words split on ASCII whitespace, bytes. */
export function countFile(f: FileHandle): { line_count: number; word_count: number; byte_count: number } {
  f.requireRead();
  f.pageOffset = 0;
  const bytes = readAllBytes(f.fd, f.fullPath());
  let lines = 0;
  let words = 0;
  let inWord = false;
  for (const b of bytes) {
    if (b === 0x0a) lines++;
    const space = b === 0x20 || (b >= 0x09 && b <= 0x0d);
    if (!inWord && !space) {
      words++;
      inWord = true;
    } else if (space) inWord = false;
  }
  return { line_count: lines, word_count: words, byte_count: bytes.length };
}

/**
 * `file.read_page(ReadPageOptions().num_lines(n).build())`: read F; the next `n` lines from where the
 * previous page stopped (an empty array at the end of the file). Lines as Rust's `BufRead::lines`
 * (`\n` or `\r\n` removed, invalid UTF-8 fails). One page holds at most 64 MiB.
 */
export function readPage(f: FileHandle, numLines: number): string[] {
  f.requireRead();
  if (!Number.isSafeInteger(numLines) || numLines <= 0) {
    throw new HostError(
      "ValidationError",
      "Validation error: Read page options require the num_lines option to be set and greater than zero",
    );
  }
  const out: string[] = [];
  const buf = Buffer.allocUnsafe(64 * 1024);
  let pos = f.pageOffset;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  const emit = (bytes: Buffer, terminated: boolean): void => {
    total += bytes.length + 1;
    if (total > MAX_READ_BYTES) {
      throw new HostError(
        "FileContentTooLargeError",
        `File content too large: a page exceeds the read limit of ${MAX_READ_BYTES} bytes: ${f.fullPath()}`,
      );
    }
    let line = bytes;
    if (terminated && line.length > 0 && line[line.length - 1] === 0x0d)
      line = line.subarray(0, line.length - 1);
    out.push(decodeUtf8(line));
  };
  while (out.length < numLines) {
    let n: number;
    try {
      n = readSync(f.fd, buf, 0, buf.length, pos);
    } catch (err) {
      throw ioError(err);
    }
    if (n === 0) {
      if (pendingBytes > 0) {
        emit(Buffer.concat(pending, pendingBytes), false);
        pending = [];
        pendingBytes = 0;
      }
      break;
    }
    let start = 0;
    for (let i = 0; i < n && out.length < numLines; i++) {
      if (buf[i] !== 0x0a) continue;
      const piece = buf.subarray(start, i);
      emit(pendingBytes > 0 ? Buffer.concat([...pending, piece], pendingBytes + piece.length) : piece, true);
      pending = [];
      pendingBytes = 0;
      start = i + 1;
    }
    if (out.length >= numLines) {
      pos += start;
      break;
    }
    pending.push(Buffer.from(buf.subarray(start, n)));
    pendingBytes += n - start;
    if (total + pendingBytes > MAX_READ_BYTES) {
      throw new HostError(
        "FileContentTooLargeError",
        `File content too large: a page exceeds the read limit of ${MAX_READ_BYTES} bytes: ${f.fullPath()}`,
      );
    }
    pos += n;
  }
  f.pageOffset = pos;
  return out;
}
