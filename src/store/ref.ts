import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { SigrunError, sha256Hex } from "../core/index.js";

/** A stored blob: the SHA-256 of its bytes (`sha256:<64 lower-case hex>`) and its exact size. */
export interface BlobRef {
  readonly digest: string;
  readonly size: number;
}

const DIGEST_RE = /^sha256:([0-9a-f]{64})$/;

/** The 64 hex characters of a `sha256:<hex>` digest; anything else (case, length, path tricks) is refused. */
export function digestHex(digest: string, field = "digest"): string {
  const m = DIGEST_RE.exec(digest);
  if (!m) throw new SigrunError("INPUT_INVALID", `${field}: expected sha256:<64 lower-case hex>`);
  return m[1]!;
}

export function checkRef(ref: BlobRef): BlobRef {
  digestHex(ref.digest);
  if (!Number.isSafeInteger(ref.size) || ref.size < 0)
    throw new SigrunError("INPUT_INVALID", "blob size: expected a non-negative integer");
  return ref;
}

/** Hashes a stream; returns the ref of its bytes. */
export async function refOfStream(input: Readable, onBytes?: (n: number) => void): Promise<BlobRef> {
  const h = createHash("sha256");
  let size = 0;
  for await (const chunk of input) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
    onBytes?.(size);
  }
  return { digest: `sha256:${h.digest("hex")}`, size };
}

export function refOfFile(path: string, onBytes?: (n: number) => void): Promise<BlobRef> {
  return refOfStream(createReadStream(path, { highWaterMark: 1024 * 1024 }), onBytes);
}

export function refOfBytes(data: Uint8Array): BlobRef {
  return { digest: `sha256:${sha256Hex(data)}`, size: data.byteLength };
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1000 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** Parses `2GiB`, `500MiB`, `10GB`, `1048576` into bytes. */
export function parseSize(text: string, field = "size"): number {
  const m = /^(\d{1,15})\s*([a-zA-Z]{0,3})$/.exec(text.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new SigrunError(
      "INPUT_INVALID",
      `${field}: expected a size such as 512MiB or 2GiB, got ${JSON.stringify(text)}`,
    );
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n)) throw new SigrunError("INPUT_INVALID", `${field}: out of range`);
  return n;
}
