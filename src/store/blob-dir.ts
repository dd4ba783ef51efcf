import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { type Clock, SigrunError, sha256Hex, writeFileAtomic } from "../core/index.js";

/**
 * The store's directory: `blobs/<hex>` (the ciphertext, write-once), `meta/<hex>.json` (size, created,
 * expires, SHA-256 of the deletion token — nothing about the content), `tmp/` (uploads in progress).
 * Keeps the running disk use and blob count for the caps; reservations cover uploads in flight.
 */
export interface BlobMeta {
  readonly size: number;
  readonly created: number;
  readonly expires: number;
  readonly deleteTokenSha256: string;
}

export interface BlobDirLimits {
  readonly maxBlobBytes: number;
  readonly maxBlobs: number;
  readonly maxDiskBytes: number;
  readonly ttlMs: number;
}

const STALE_TMP_MS = 60 * 60 * 1000;

export class BlobDir {
  readonly blobs: string;
  readonly meta: string;
  readonly tmp: string;
  private used = 0;
  private count = 0;
  private reserved = 0;
  private reservedCount = 0;
  private readonly inFlight = new Set<string>();

  constructor(
    readonly root: string,
    readonly limits: BlobDirLimits,
    private readonly clock: Clock,
  ) {
    this.blobs = join(root, "blobs");
    this.meta = join(root, "meta");
    this.tmp = join(root, "tmp");
    for (const d of [root, this.blobs, this.meta, this.tmp]) mkdirSync(d, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(this.blobs)) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      this.used += statSync(join(this.blobs, name)).size;
      this.count++;
    }
  }

  usage(): { bytes: number; blobs: number } {
    return { bytes: this.used, blobs: this.count };
  }

  blobPath(hex: string): string {
    return join(this.blobs, hex);
  }

  readMeta(hex: string): BlobMeta | null {
    try {
      return JSON.parse(readFileSync(join(this.meta, `${hex}.json`), "utf8")) as BlobMeta;
    } catch {
      return null;
    }
  }

  /** The blob's size if it exists and has not expired. */
  live(hex: string): number | null {
    let size: number;
    try {
      size = statSync(this.blobPath(hex)).size;
    } catch {
      return null;
    }
    const m = this.readMeta(hex);
    if (m !== null && m.expires <= this.clock.now()) return null;
    return size;
  }

  /**
   * Claims room for an upload of `size` bytes under `hex`. Throws STORE_CONFLICT (exists or already being
   * uploaded), TOO_LARGE (over the per-blob cap) or STORE_FULL (count or disk cap). Returns a release
   * function for the reservation.
   */
  reserve(hex: string, size: number): () => void {
    this.admissible(hex, size);
    this.inFlight.add(hex);
    this.reserved += size;
    this.reservedCount++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight.delete(hex);
      this.reserved -= size;
      this.reservedCount--;
    };
  }

  /** Throws what `reserve` would, without reserving (answers `Expect: 100-continue` early). */
  admissible(hex: string, size: number): void {
    if (size > this.limits.maxBlobBytes)
      throw new SigrunError(
        "TOO_LARGE",
        `blob of ${size} bytes over the ${this.limits.maxBlobBytes}-byte cap`,
      );
    if (this.inFlight.has(hex) || this.live(hex) !== null)
      throw new SigrunError("STORE_CONFLICT", "blob exists (write-once)");
    if (this.count + this.reservedCount + 1 > this.limits.maxBlobs)
      throw new SigrunError("STORE_FULL", "blob count cap reached");
    if (this.used + this.reserved + size > this.limits.maxDiskBytes)
      throw new SigrunError("STORE_FULL", "disk use cap reached");
  }

  /** Records a blob that was just linked into place; returns its fresh deletion token. */
  async commit(hex: string, size: number): Promise<{ deleteToken: string; expires: number }> {
    const deleteToken = randomBytes(32).toString("base64url");
    const created = this.clock.now();
    const meta: BlobMeta = {
      size,
      created,
      expires: created + this.limits.ttlMs,
      deleteTokenSha256: sha256Hex(deleteToken),
    };
    await writeFileAtomic(join(this.meta, `${hex}.json`), JSON.stringify(meta), {
      mode: 0o600,
      overwrite: true,
    });
    this.used += size;
    this.count++;
    return { deleteToken, expires: meta.expires };
  }

  /** Checks a deletion token in constant time. */
  tokenMatches(hex: string, token: string): boolean {
    const m = this.readMeta(hex);
    if (m === null) return false;
    const a = createHash("sha256").update(token).digest();
    const b = Buffer.from(m.deleteTokenSha256, "hex");
    return b.byteLength === a.byteLength && timingSafeEqual(a, b);
  }

  remove(hex: string): void {
    let size = 0;
    try {
      size = statSync(this.blobPath(hex)).size;
      unlinkSync(this.blobPath(hex));
      this.used -= size;
      this.count--;
    } catch {
      // already gone
    }
    try {
      unlinkSync(join(this.meta, `${hex}.json`));
    } catch {
      // already gone
    }
  }

  /** Deletes expired blobs, blobs whose metadata was lost (after one TTL), and stale temporary files. */
  sweep(): number {
    const now = this.clock.now();
    let removed = 0;
    for (const name of readdirSync(this.blobs)) {
      if (!/^[0-9a-f]{64}$/.test(name) || this.inFlight.has(name)) continue;
      const m = this.readMeta(name);
      let expired = m !== null && m.expires <= now;
      if (m === null) {
        try {
          expired = statSync(this.blobPath(name)).mtimeMs + this.limits.ttlMs <= now;
        } catch {
          expired = false;
        }
      }
      if (expired) {
        this.remove(name);
        removed++;
      }
    }
    for (const name of readdirSync(this.tmp)) {
      try {
        const p = join(this.tmp, name);
        if (statSync(p).mtimeMs + STALE_TMP_MS <= Date.now() && !this.inFlight.has(name.slice(0, 64)))
          unlinkSync(p);
      } catch {
        // raced with its upload finishing
      }
    }
    return removed;
  }
}
