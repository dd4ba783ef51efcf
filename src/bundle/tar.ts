import { SigrunError } from "../core/errors.js";

/** One regular file of an in-memory tar archive. */
export interface TarEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

export const BLOCK = 512;
const ZERO_BLOCK = new Uint8Array(BLOCK);

export function malformed(message: string): SigrunError {
  return new SigrunError("BUNDLE_MALFORMED", `archive: ${message}`);
}

function writeString(h: Uint8Array, off: number, len: number, s: string): void {
  const b = Buffer.from(s, "utf8");
  if (b.byteLength > len) throw malformed(`field too long: ${s}`);
  h.set(b, off);
}

function writeOctal(h: Uint8Array, off: number, len: number, v: number): void {
  writeString(h, off, len, `${v.toString(8).padStart(len - 1, "0")}\0`);
}

function headerChecksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum;
}

/**
 * Writes the canonical sigrun ustar archive: regular files only, mode 0644, uid/gid 0, mtime 0, empty
 * user/group names, no padding record. The same entries always give the same bytes, so a reader can
 * require canonical form by re-encoding (see `parseCanonicalTar`).
 */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  let total = 2 * BLOCK;
  for (const e of entries) total += BLOCK + Math.ceil(e.data.byteLength / BLOCK) * BLOCK;
  const out = new Uint8Array(total);
  let off = 0;
  for (const e of entries) {
    writeHeader(out.subarray(off, off + BLOCK), e.name, e.data.byteLength);
    out.set(e.data, off + BLOCK);
    off += BLOCK + Math.ceil(e.data.byteLength / BLOCK) * BLOCK;
  }
  return out;
}

/** Writes the canonical header of one regular file into a zeroed 512-byte block. */
export function writeHeader(h: Uint8Array, name: string, size: number): void {
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, 0);
  h[156] = 0x30; // '0' regular file
  writeString(h, 257, 8, "ustar\u000000");
  writeOctal(h, 329, 8, 0);
  writeOctal(h, 337, 8, 0);
  writeString(h, 148, 8, `${headerChecksum(h).toString(8).padStart(6, "0")}\0 `);
}

function readString(h: Uint8Array, off: number, len: number): string {
  const field = h.subarray(off, off + len);
  const nul = field.indexOf(0);
  return Buffer.from(nul === -1 ? field : field.subarray(0, nul)).toString("latin1");
}

function readOctal(h: Uint8Array, off: number, len: number, field: string): number {
  const s = readString(h, off, len).trim();
  if (!/^[0-7]{1,12}$/.test(s)) throw malformed(`bad ${field} field`);
  const v = Number.parseInt(s, 8);
  if (!Number.isSafeInteger(v)) throw malformed(`${field} out of range`);
  return v;
}

export interface TarReadOptions {
  readonly maxEntries: number;
  /** Accept directory entries (skipped) — the classic `tar czf` form may hold them. */
  readonly allowDirectories: boolean;
}

/** One member of a tar archive with its header fields (`readTarMembers`). */
export interface TarMember {
  readonly name: string;
  /** `file` (type `0`/NUL), `dir` (type `5`), or `other`: a link, device or FIFO that was skipped. */
  readonly kind: "file" | "dir" | "other";
  /** The header's type flag (`0`, `5`, `1`, `2`, …). */
  readonly typeflag: string;
  readonly data: Uint8Array;
  readonly mode: number;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
  readonly uname: string;
  readonly gname: string;
}

export interface TarMembersOptions {
  /** Most members of any kind. */
  readonly maxEntries: number;
  /** Report hard links, symlinks, devices and FIFOs as `other` members (no data) instead of refusing the archive. */
  readonly skipSpecial: boolean;
}

/** Link (`1`, `2`), character and block device (`3`, `4`) and FIFO (`6`) entries: never data. */
const SPECIAL_TYPES = new Set(["1", "2", "3", "4", "6"]);

/**
 * Reads a tar archive in memory, never touching the disk. Accepts only regular files (and directories if
 * allowed, which are skipped); rejects links, devices, FIFOs, pax/GNU extension headers, bad checksums,
 * duplicate names, truncated data and anything but zero bytes after the end-of-archive marker. Names are
 * returned as written; the caller validates them.
 */
export function readTar(bytes: Uint8Array, opts: TarReadOptions): TarEntry[] {
  const entries: TarEntry[] = [];
  parseTar(
    bytes,
    (m) => {
      if (m.kind === "dir") {
        if (!opts.allowDirectories) throw notRegular(m.name, "5");
        return;
      }
      if (entries.length >= opts.maxEntries) throw malformed(`more than ${opts.maxEntries} entries`);
      entries.push({ name: m.name, data: m.data });
    },
    false,
    false,
  );
  return entries;
}

/**
 * The same reader with every member's header fields (mode, mtime, user and group names), for
 * extracting general archives: the same refusals as `readTar` (pax/GNU extension headers, bad checksums,
 * duplicate names, truncation, trailing data), plus a cap on all members; links, devices and FIFOs are
 * refused too unless `skipSpecial`, which reports them as `other` members without data.
 */
export function readTarMembers(bytes: Uint8Array, opts: TarMembersOptions): TarMember[] {
  const out: TarMember[] = [];
  parseTar(
    bytes,
    (m) => {
      if (out.length >= opts.maxEntries) throw malformed(`more than ${opts.maxEntries} entries`);
      out.push(m);
    },
    opts.skipSpecial,
    true,
  );
  return out;
}

export const notRegular = (name: string, type: string): SigrunError =>
  malformed(`entry ${JSON.stringify(name)} is not a regular file (type ${JSON.stringify(type)})`);

function parseTar(
  bytes: Uint8Array,
  emit: (m: TarMember) => void,
  skipSpecial: boolean,
  detailed: boolean,
): void {
  if (bytes.byteLength % BLOCK !== 0) throw malformed("length is not a multiple of 512");
  const seen = new Set<string>();
  let off = 0;
  for (;;) {
    if (off + BLOCK > bytes.byteLength) throw malformed("missing end-of-archive marker");
    const h = bytes.subarray(off, off + BLOCK);
    if (isZero(h)) {
      for (let i = off; i < bytes.byteLength; i++)
        if (bytes[i] !== 0) throw malformed("trailing data after end of archive");
      if (off + 2 * BLOCK > bytes.byteLength) throw malformed("truncated end-of-archive marker");
      return;
    }
    const { name, type, size } = readHeader(h);
    off += BLOCK;
    // header fields only for readTarMembers: readTar accepts whatever they hold, as it always did
    const meta = () =>
      detailed
        ? {
            mode: readOctal(h, 100, 8, "mode"),
            mtime: readOctal(h, 136, 12, "mtime"),
            uname: readString(h, 265, 32),
            gname: readString(h, 297, 32),
          }
        : { mode: 0, mtime: 0, uname: "", gname: "" };
    if (type === "5") {
      if (size !== 0) throw malformed(`directory ${JSON.stringify(name)} has a size`);
      emit({ name, kind: "dir", typeflag: type, data: new Uint8Array(0), ...meta() });
      continue;
    }
    if (skipSpecial && SPECIAL_TYPES.has(type)) {
      if (size !== 0)
        throw malformed(`entry ${JSON.stringify(name)} of type ${JSON.stringify(type)} has data`);
      emit({ name, kind: "other", typeflag: type, data: new Uint8Array(0), ...meta() });
      continue;
    }
    if (type !== "0" && type !== "\0") throw notRegular(name, type);
    if (off + size > bytes.byteLength) throw malformed(`entry ${JSON.stringify(name)} is truncated`);
    if (seen.has(name)) throw malformed(`duplicate entry ${JSON.stringify(name)}`);
    seen.add(name);
    emit({ name, kind: "file", typeflag: type, data: bytes.subarray(off, off + size), ...meta() });
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (!isZeroRange(bytes, off + size, off + padded)) throw malformed("non-zero padding");
    off += padded;
  }
}

/** The checked fields of one (non-zero) header block: checksum, ustar magic, name with prefix, type, size. */
export function readHeader(h: Uint8Array): { name: string; type: string; size: number } {
  if (readOctal(h, 148, 8, "checksum") !== headerChecksum(h)) throw malformed("header checksum mismatch");
  const magic = readString(h, 257, 6);
  if (magic !== "ustar" && magic !== "ustar ") throw malformed("not a ustar header");
  const prefix = magic === "ustar" ? readString(h, 345, 155) : "";
  const rawName = readString(h, 0, 100);
  const name = prefix ? `${prefix}/${rawName}` : rawName;
  const type = String.fromCharCode(h[156]!);
  const size = readOctal(h, 124, 12, "size");
  return { name, type, size };
}

export function isZeroRange(bytes: Uint8Array, from: number, to: number): boolean {
  return to <= from || Buffer.compare(bytes.subarray(from, to), ZERO_BLOCK.subarray(0, to - from)) === 0;
}

export function isZero(block: Uint8Array): boolean {
  return Buffer.compare(block, ZERO_BLOCK) === 0;
}

/**
 * Reads a sigrun archive and requires it to be byte-for-byte what `writeTar` writes for its entries: every
 * header equal to the canonical one, zero padding (checked by `readTar`), and exactly the two zero blocks
 * of the end marker. Headers are compared one by one, so file data is never copied.
 */
export function readCanonicalTar(bytes: Uint8Array, maxEntries: number): TarEntry[] {
  const entries = readTar(bytes, { maxEntries, allowDirectories: false });
  const expected = new Uint8Array(BLOCK);
  let off = 0;
  for (const e of entries) {
    expected.fill(0);
    writeHeader(expected, e.name, e.data.byteLength);
    if (Buffer.compare(expected, bytes.subarray(off, off + BLOCK)) !== 0)
      throw malformed("not in canonical sigrun form");
    off += BLOCK + Math.ceil(e.data.byteLength / BLOCK) * BLOCK;
  }
  if (bytes.byteLength !== off + 2 * BLOCK) throw malformed("not in canonical sigrun form (end marker)");
  return entries;
}
