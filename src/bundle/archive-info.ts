import { SigrunError } from "../core/index.js";
import { type BundleCaps, bundleCaps } from "./caps.js";
import { gunzipCapped } from "./gzip.js";
import { CLASSIC_POLICY, CLASSIC_SCRIPT } from "./openssl-compat.js";
import { type ParsedBundle, parseBundle, sha256Hex } from "./pack.js";
import { pathProblem } from "./paths.js";
import { readTar } from "./tar.js";

/** One member of an archive as read in memory (never extracted). */
export interface ArchiveMember {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * What a byte string is, recognized from its content and never from its name: a `.sgb`, the classic
 * `tar.gz` bundle (`script.rhai` + `policy.cedar`, what `verifyOpensslBundle` runs), another tar or
 * tar.gz archive, another gzip stream, a zip archive, or none of these.
 */
export type ArchiveInfo =
  | { readonly kind: "sgb"; readonly parsed: ParsedBundle }
  | {
      readonly kind: "classic-bundle";
      readonly sha256: string;
      readonly members: readonly ArchiveMember[];
      readonly files: ReadonlyMap<string, Uint8Array>;
    }
  | {
      readonly kind: "archive";
      readonly format: "tar" | "tar.gz" | "gzip" | "zip";
      /** Members when the archive could be read safely; else `unreadable` says why. */
      readonly members: readonly ArchiveMember[];
      readonly unreadable?: string;
    }
  | { readonly kind: "none" };

const isGzip = (b: Uint8Array) => b.byteLength >= 18 && b[0] === 0x1f && b[1] === 0x8b;
const isZip = (b: Uint8Array) =>
  b.byteLength >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4;
const isTar = (b: Uint8Array) =>
  b.byteLength >= 512 && Buffer.from(b.subarray(257, 262)).toString("latin1") === "ustar";

function readMembers(tar: Uint8Array, caps: BundleCaps): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const e of readTar(tar, { maxEntries: caps.maxEntries, allowDirectories: true })) {
    const name = e.name.startsWith("./") ? e.name.slice(2) : e.name;
    if (files.has(name))
      throw new SigrunError("BUNDLE_MALFORMED", `archive: duplicate entry ${JSON.stringify(name)}`);
    files.set(name, e.data);
  }
  return files;
}

const membersOf = (files: ReadonlyMap<string, Uint8Array>): ArchiveMember[] =>
  [...files.keys()]
    .sort()
    .map((path) => ({ path, size: files.get(path)!.byteLength, sha256: sha256Hex(files.get(path)!) }));

/** Recognizes `bytes` (in memory, capped like bundle parsing). Never throws for unrecognized data. */
export function identifyArchive(bytes: Uint8Array, overrides?: Partial<BundleCaps>): ArchiveInfo {
  const caps = bundleCaps(overrides);
  if (isZip(bytes)) return { kind: "archive", format: "zip", members: [], unreadable: "zip is not read" };
  if (isTar(bytes)) {
    try {
      return { kind: "sgb", parsed: parseBundle(bytes, caps) };
    } catch {
      // not a .sgb: list it as a plain tar below
    }
    try {
      return { kind: "archive", format: "tar", members: membersOf(readMembers(bytes, caps)) };
    } catch (err) {
      return { kind: "archive", format: "tar", members: [], unreadable: (err as Error).message };
    }
  }
  if (!isGzip(bytes)) return { kind: "none" };
  let inner: Uint8Array;
  try {
    inner = gunzipCapped(bytes, caps.maxArchiveBytes);
  } catch (err) {
    return { kind: "archive", format: "gzip", members: [], unreadable: (err as Error).message };
  }
  if (!isTar(inner)) return { kind: "archive", format: "gzip", members: [] };
  let files: Map<string, Uint8Array>;
  try {
    files = readMembers(inner, caps);
  } catch (err) {
    return { kind: "archive", format: "tar.gz", members: [], unreadable: (err as Error).message };
  }
  const members = membersOf(files);
  const classic =
    files.has(CLASSIC_SCRIPT) &&
    files.has(CLASSIC_POLICY) &&
    [...files.keys()].every((p) => pathProblem(p) === undefined);
  if (classic) return { kind: "classic-bundle", sha256: sha256Hex(bytes), members, files };
  return { kind: "archive", format: "tar.gz", members };
}
