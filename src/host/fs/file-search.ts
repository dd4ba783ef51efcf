import { HostError } from "../errors.js";
import { compileRegex } from "../regex.js";
import type { FileHandle } from "./file.js";
import { redactionPatterns } from "./file.js";
import { decodeUtf8, readAllBytes, splitLines } from "./read-bytes.js";
import { redact } from "./redaction.js";

/** `file.read_lines(ReadLinesOptions)`: count < 0 = last |count| lines; start is 1-based. */
export function readFileLines(f: FileHandle, opts: { count?: number; start?: number }): string[] {
  f.requireRead();
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
