import { ftruncateSync, writeSync } from "node:fs";
import { HostError, ioError } from "../errors.js";
import { compileRegex } from "../regex.js";
import type { FileHandle } from "./file.js";
import { checkFile } from "./file.js";
import { MAX_READ_BYTES, readAllBytes } from "./read-bytes.js";

/** node:zlib, loaded on first use (the script thread loads only what a script calls). */
const zlib = () => process.getBuiltinModule("node:zlib");

/** Rex's `GzipInfo`: sizes from the file length and the gzip trailer (ISIZE, mod 2^32). */
export interface GzipInfo {
  compressed_size_bytes: number;
  uncompressed_size_bytes: number;
  compression_ratio: number;
}

function readable(f: FileHandle): void {
  f.pageOffset = 0;
  checkFile(f.ctx, "read", f.fullPath());
  if (!f.options.read) {
    throw new HostError(
      "InvalidFileMode",
      `Invalid file mode: file must be opened with read option to read: ${f.fullPath()}`,
    );
  }
}

/** The decompressed text (capped like every read into a script: 64 MiB). */
function inflate(f: FileHandle): string {
  const raw = readAllBytes(f.fd, f.fullPath());
  try {
    return zlib().gunzipSync(raw, { maxOutputLength: MAX_READ_BYTES }).toString("utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "ERR_BUFFER_TOO_LARGE") {
      throw new HostError(
        "FileContentTooLargeError",
        `File content too large: decompressed content exceeds ${MAX_READ_BYTES} bytes: ${f.fullPath()}`,
      );
    }
    throw new HostError("IoError", `${e.message}`);
  }
}

function lines(text: string): string[] {
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  return all.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** `file.read_gzip_lines(ReadLinesOptions)`: read F; count < 0 = last |count| lines (before `start`). */
export function readGzipLines(f: FileHandle, o: { count?: number; start?: number }): string[] {
  readable(f);
  const all = lines(inflate(f));
  const { count, start } = o;
  if (count === undefined && start === undefined) {
    throw new HostError("ValidationError", "Validation error: Must specify count or start option");
  }
  if (count !== undefined && count < 0) {
    const end = start !== undefined ? Math.min(all.length, Math.max(0, start - 1)) : all.length;
    return all.slice(Math.max(0, end - -count), end);
  }
  const skip = start !== undefined ? Math.max(0, start - 1) : 0;
  return count === undefined ? all.slice(skip) : all.slice(skip, skip + count);
}

/** `file.gzip_info()`: read F; sizes from the file length and its last four bytes. */
export function gzipInfo(f: FileHandle): GzipInfo {
  readable(f);
  const raw = readAllBytes(f.fd, f.fullPath());
  if (raw.length < 4) throw new HostError("IoError", "failed to fill whole buffer");
  const uncompressed = raw.readUInt32LE(raw.length - 4);
  return {
    compressed_size_bytes: raw.length,
    uncompressed_size_bytes: uncompressed,
    compression_ratio: raw.length > 0 ? uncompressed / raw.length : 0,
  };
}

export interface SearchGzipOptions {
  exclude_pattern?: string;
  case_insensitive?: boolean;
  /** > 0: the first n matches; < 0: the last |n|; 0: all. */
  max_results?: number;
}

/** `file.search_gzip(pattern, SearchGzipOptions)`: read F; matching lines (1-based numbers). */
export function searchGzip(
  f: FileHandle,
  pattern: string,
  o: SearchGzipOptions,
): Array<{ line_number: number; line_content: string }> {
  readable(f);
  const re = compileRegex(pattern, { ignoreCase: o.case_insensitive === true });
  const ex = o.exclude_pattern === undefined ? undefined : compileRegex(o.exclude_pattern);
  const max = o.max_results ?? 0;
  const out: Array<{ line_number: number; line_content: string }> = [];
  const all = lines(inflate(f));
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    if (!re.test(line) || ex?.test(line)) continue;
    out.push({ line_number: i + 1, line_content: line });
    if (max < 0 && out.length > -max) out.shift();
    if (max > 0 && out.length >= max) break;
  }
  return out;
}

/** `file.compress_gzip(dest, CompressGzipOptions)`: read F(source), write F(dest); dest is replaced. */
export function compressGzip(src: FileHandle, dest: FileHandle, level: number): void {
  readable(src);
  dest.requireWriteMode();
  checkFile(dest.ctx, "write", dest.fullPath());
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new HostError("InvalidArguments", `Invalid arguments: compression level must be 0-9, got ${level}`);
  }
  const data = zlib().gzipSync(readAllBytes(src.fd, src.fullPath()), {
    level: level === 0 ? zlib().constants.Z_NO_COMPRESSION : level,
  });
  try {
    ftruncateSync(dest.fd, 0);
    let off = 0;
    while (off < data.length) off += writeSync(dest.fd, data, off, data.length - off, off);
  } catch (err) {
    throw ioError(err);
  }
}
