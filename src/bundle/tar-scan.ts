import { sha256Hasher } from "../core/digest.js";
import { SigrunError } from "../core/errors.js";
import { BLOCK, isZero, isZeroRange, malformed, notRegular, readHeader, writeHeader } from "./tar.js";

/**
 * Bytes read by position, e.g. a regular file through `fs.readSync` (`sigrun verify`): `size` is its length
 * when opened; `read` fills the start of `into` from `position` and returns how many bytes it read (0 at
 * the end).
 */
export interface ByteSource {
  readonly size: number;
  read(into: Uint8Array, position: number): number;
}

/** One file of a scanned archive: its size and SHA-256, and its bytes only when the caller kept them. */
export interface ScannedEntry {
  readonly name: string;
  readonly size: number;
  /** 64 lower-case hex digits. */
  readonly sha256: string;
  readonly data?: Uint8Array;
}

/** Read size of `scanCanonicalTar`: large reads into one reused buffer (no copy of the whole archive). */
export const SCAN_CHUNK = 1024 * 1024;

/**
 * `readCanonicalTar` over a `ByteSource` read once, front to back, in chunks: each file is hashed as it is
 * read and kept only if `keep(name)`. The same refusals with the same messages, in the same order: the
 * structure of the whole archive first (as `readTar`), then its canonical form, then the end marker; so
 * an archive is refused here exactly when, and as, the in-memory reader refuses it. A source whose
 * length differs from `size` (changed while read) is an IO_ERROR.
 */
export function scanCanonicalTar(
  src: ByteSource,
  maxEntries: number,
  keep: (name: string) => boolean,
  chunk = SCAN_CHUNK,
): ScannedEntry[] {
  const len = src.size;
  if (len % BLOCK !== 0) throw malformed("length is not a multiple of 512");
  const buf = new Uint8Array(Math.max(BLOCK, chunk - (chunk % BLOCK)));
  const h = new Uint8Array(BLOCK);
  const expected = new Uint8Array(BLOCK);
  const seen = new Set<string>();
  const out: ScannedEntry[] = [];
  // the first canonical-form failure, reported once the structure of the whole archive has been checked
  let notCanonical: unknown;
  let off = 0;
  for (;;) {
    if (off + BLOCK > len) throw malformed("missing end-of-archive marker");
    readExactly(src, h, off);
    if (isZero(h)) {
      for (let p = off; p < len; p += buf.byteLength) {
        const view = readExactly(src, buf.subarray(0, Math.min(buf.byteLength, len - p)), p);
        for (let b = 0; b < view.byteLength; b += BLOCK)
          if (!isZero(view.subarray(b, b + BLOCK))) throw malformed("trailing data after end of archive");
      }
      if (off + 2 * BLOCK > len) throw malformed("truncated end-of-archive marker");
      break;
    }
    const { name, type, size } = readHeader(h);
    off += BLOCK;
    if (type === "5") {
      if (size !== 0) throw malformed(`directory ${JSON.stringify(name)} has a size`);
      throw notRegular(name, type);
    }
    if (type !== "0" && type !== "\0") throw notRegular(name, type);
    if (off + size > len) throw malformed(`entry ${JSON.stringify(name)} is truncated`);
    if (seen.has(name)) throw malformed(`duplicate entry ${JSON.stringify(name)}`);
    seen.add(name);
    if (out.length >= maxEntries) throw malformed(`more than ${maxEntries} entries`);
    if (notCanonical === undefined) notCanonical = canonicalFailure(expected, h, name, size);
    const hash = sha256Hasher();
    const data = keep(name) ? new Uint8Array(size) : undefined;
    for (let p = 0; p < size; p += buf.byteLength) {
      const view = readExactly(src, buf.subarray(0, Math.min(buf.byteLength, size - p)), off + p);
      hash.update(view);
      data?.set(view, p);
    }
    out.push({ name, size, sha256: hash.digest("hex"), ...(data ? { data } : {}) });
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (padded > size) {
      const pad = readExactly(src, h.subarray(0, padded - size), off + size);
      if (!isZeroRange(pad, 0, pad.byteLength)) throw malformed("non-zero padding");
    }
    off += padded;
  }
  if (notCanonical !== undefined) throw notCanonical;
  if (len !== off + 2 * BLOCK) throw malformed("not in canonical sigrun form (end marker)");
  if (src.read(h.subarray(0, 1), len) !== 0) throw changed();
  return out;
}

/** What `readCanonicalTar` throws for this header, if it is not the one `writeTar` writes. */
function canonicalFailure(expected: Uint8Array, h: Uint8Array, name: string, size: number): unknown {
  expected.fill(0);
  try {
    writeHeader(expected, name, size);
  } catch (err) {
    return err;
  }
  return Buffer.compare(expected, h) === 0 ? undefined : malformed("not in canonical sigrun form");
}

function readExactly(src: ByteSource, into: Uint8Array, position: number): Uint8Array {
  for (let got = 0; got < into.byteLength; ) {
    const n = src.read(into.subarray(got), position + got);
    if (n === 0) throw changed();
    got += n;
  }
  return into;
}

const changed = (): SigrunError =>
  new SigrunError("IO_ERROR", "archive: the file changed size while it was being read");
