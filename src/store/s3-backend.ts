import type { Readable } from "node:stream";
import { SigrunError } from "../core/index.js";
import type { BlobBackend } from "./backend.js";
import { type BlobRef, digestHex } from "./ref.js";
import { S3Client, type S3Config } from "./s3.js";

/**
 * The store on an S3-compatible bucket: object key = `<prefix>/sha256:<hex>`, the payload hash signed
 * into each PUT (S3 verifies it), `If-None-Match: *` for write-once, and a HEAD first for servers that
 * ignore it. Deletion uses the bucket credentials (no per-upload token).
 */
export function s3Backend(config: S3Config): BlobBackend {
  const s3 = new S3Client(config);
  const key = (ref: BlobRef) => s3.key(ref.digest);
  return {
    url: `s3://${config.bucket}/${config.prefix}`,
    urlOf: (ref) => `s3://${config.bucket}/${key(ref)}`,
    async put(ref, body: () => Readable) {
      const existing = await s3.head(key(ref));
      if (existing === ref.size) return { existed: true };
      if (existing !== null)
        throw new SigrunError(
          "STORE_CONFLICT",
          `s3: ${key(ref)} exists with another size (${existing} bytes)`,
        );
      const created = await s3.put(key(ref), ref.size, digestHex(ref.digest), body(), true);
      return { existed: !created };
    },
    get: (ref) => s3.get(key(ref)),
    head: (ref) => s3.head(key(ref)),
    delete: (ref) => s3.delete(key(ref)),
  };
}
