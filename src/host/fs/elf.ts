import { fstatSync, readSync } from "node:fs";
import { HostError, ioError } from "../errors.js";
import type { FileHandle } from "./file.js";

/** Rex's `ElfInfo` (a missing value is unit in scripts). */
export interface ElfInfo {
  execfn?: string;
  platform?: string;
  interpreter?: string;
  is_64bit: boolean;
}

const PT_LOAD = 1;
const PT_INTERP = 3;
const PT_NOTE = 4;
const NT_AUXV = 6;
const AT_PLATFORM = 15n;
const AT_EXECFN = 31n;
/** Caps (Rex maps the whole file): interpreter path, one string, all note bytes. */
const MAX_INTERP = 4096;
const MAX_STRING = 4096;
const MAX_NOTE_BYTES = 16 * 1024 * 1024;

const bad = (reason: string): HostError =>
  new HostError("ValidationError", `Validation error: Failed to parse ELF file: ${reason}`);

interface Phdr {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
  memsz: bigint;
  align: number;
}

/** Positional reads of exactly `len` bytes at `pos` (inside the file, checked by the caller). */
function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  let got = 0;
  try {
    while (got < len) {
      const n = readSync(fd, b, got, len - got, pos + got);
      if (n === 0) throw bad("unexpected end of file");
      got += n;
    }
  } catch (err) {
    throw ioError(err);
  }
  return b;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * `file.elf_info()` (Rex: goblin's strict parse over a memory map): read F (opened for reading). sigrun
 * parses only what the answer needs, strictly and with caps, by positional reads: the ELF header (magic,
 * class, byte order, version, header sizes), the program header table (bounds), PT_INTERP (NUL-terminated
 * UTF-8 path, ≤ 4 KiB) and the PT_NOTE segments (≤ 16 MiB in all): the first NT_AUXV note gives
 * AT_EXECFN and AT_PLATFORM, strings at virtual addresses mapped through the PT_LOAD segments (core dumps).
 */
export function elfInfo(f: FileHandle): ElfInfo {
  f.requireRead();
  const fd = f.fd;
  const size = fstatSync(fd).size;
  if (size < 52) throw bad("file too small for an ELF header");
  const id = readAt(fd, 0, 16);
  if (id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46) throw bad("bad magic");
  const cls = id[4];
  const data = id[5];
  if (cls !== 1 && cls !== 2) throw bad(`invalid class ${cls}`);
  if (data !== 1 && data !== 2) throw bad(`invalid data encoding ${data}`);
  if (id[6] !== 1) throw bad(`invalid version ${id[6]}`);
  const is64 = cls === 2;
  const le = data === 1;
  const ehsize = is64 ? 64 : 52;
  if (size < ehsize) throw bad("file too small for an ELF header");
  const h = readAt(fd, 0, ehsize);
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number) => (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const word = (b: Buffer, o: number): bigint => (is64 ? u64(b, o) : BigInt(u32(b, o)));
  const offset = (v: bigint, what: string): number => {
    if (v > BigInt(size)) throw bad(`${what} beyond the end of the file`);
    return Number(v);
  };
  if (u32(h, 20) !== 1) throw bad("invalid e_version");
  const phoff = offset(word(h, is64 ? 32 : 28), "program header table");
  const shoff = word(h, is64 ? 40 : 32);
  const base = is64 ? 52 : 40;
  if (u16(h, base) !== ehsize) throw bad("invalid e_ehsize");
  const phentsize = u16(h, base + 2);
  const phnum = u16(h, base + 4);
  const shentsize = u16(h, base + 6);
  const shnum = u16(h, base + 8);
  if (phnum === 0xffff) throw bad("extended program header count is not supported");
  if (phnum > 0 && phentsize !== (is64 ? 56 : 32)) throw bad("invalid e_phentsize");
  if (phoff + phnum * phentsize > size) throw bad("program header table beyond the end of the file");
  if (shnum > 0) {
    if (shentsize !== (is64 ? 64 : 40)) throw bad("invalid e_shentsize");
    if (shoff + BigInt(shnum * shentsize) > BigInt(size))
      throw bad("section header table beyond the end of the file");
  }
  const table = phnum > 0 ? readAt(fd, phoff, phnum * phentsize) : Buffer.alloc(0);
  const phdrs: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * phentsize;
    const p: Phdr = is64
      ? {
          type: u32(table, o),
          offset: Number(u64(table, o + 8)),
          vaddr: u64(table, o + 16),
          filesz: Number(u64(table, o + 32)),
          memsz: u64(table, o + 40),
          align: Number(u64(table, o + 48)),
        }
      : {
          type: u32(table, o),
          offset: u32(table, o + 4),
          vaddr: BigInt(u32(table, o + 8)),
          filesz: u32(table, o + 16),
          memsz: BigInt(u32(table, o + 20)),
          align: u32(table, o + 28),
        };
    if ((p.type === PT_INTERP || p.type === PT_NOTE) && p.offset + p.filesz > size) {
      throw bad(`segment ${i} beyond the end of the file`);
    }
    phdrs.push(p);
  }
  const info: ElfInfo = { is_64bit: is64 };
  const interp = phdrs.find((p) => p.type === PT_INTERP);
  if (interp !== undefined) {
    if (interp.filesz > MAX_INTERP) throw bad("PT_INTERP longer than 4096 bytes");
    const raw = readAt(fd, interp.offset, interp.filesz);
    const nul = raw.indexOf(0);
    try {
      info.interpreter = utf8.decode(nul === -1 ? raw : raw.subarray(0, nul));
    } catch {
      throw bad("PT_INTERP is not UTF-8");
    }
  }
  const stringAt = (addr: bigint): string | undefined => {
    for (const p of phdrs) {
      if (p.type !== PT_LOAD || addr < p.vaddr || addr >= p.vaddr + p.memsz) continue;
      const at = addr - p.vaddr + BigInt(p.offset);
      if (at >= BigInt(size)) return undefined;
      const pos = Number(at);
      const raw = readAt(fd, pos, Math.min(MAX_STRING, size - pos));
      const nul = raw.indexOf(0);
      if (nul === -1) return undefined;
      try {
        return utf8.decode(raw.subarray(0, nul));
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  let noteBytes = 0;
  for (const p of phdrs) {
    if (p.type !== PT_NOTE) continue;
    noteBytes += p.filesz;
    if (noteBytes > MAX_NOTE_BYTES) throw bad("notes larger than 16 MiB");
    const notes = readAt(fd, p.offset, p.filesz);
    const align = p.align === 8 ? 8 : 4;
    const pad = (n: number) => Math.ceil(n / align) * align;
    let o = 0;
    while (o + 12 <= notes.length) {
      const namesz = u32(notes, o);
      const descsz = u32(notes, o + 4);
      const type = u32(notes, o + 8);
      const descAt = pad(o + 12 + namesz);
      if (descAt + descsz > notes.length) throw bad("note beyond its segment");
      if (type === NT_AUXV) {
        const entry = is64 ? 16 : 8;
        const desc = notes.subarray(descAt, descAt + descsz);
        for (let a = 0; a + entry <= desc.length; a += entry) {
          const t = is64 ? u64(desc, a) : BigInt(u32(desc, a));
          const v = is64 ? u64(desc, a + 8) : BigInt(u32(desc, a + 4));
          if (t === AT_EXECFN) info.execfn = stringAt(v);
          else if (t === AT_PLATFORM) info.platform = stringAt(v);
        }
        return info;
      }
      o = pad(descAt + descsz);
    }
  }
  return info;
}
