import type { Readable } from "node:stream";
import type { BlobRef } from "./ref.js";

/** What a store backend does; the client adds hashing, verification, retries and progress. */
export interface BlobBackend {
  /** The store URL, for messages and results. */
  readonly url: string;
  /**
   * The server refuses a PUT whose bytes do not match the digest in its request (`sigrun store serve`
   * does). Not claimed for S3: AWS checks the signed payload hash, but S3-compatible servers may not.
   */
  readonly verifiesPut?: boolean;
  /** Uploads the blob (a fresh body stream per attempt). `existed`: it was already stored. */
  put(ref: BlobRef, body: () => Readable): Promise<{ deleteToken?: string; existed: boolean }>;
  /** Downloads the blob; the stream is NOT verified here. */
  get(ref: BlobRef): Promise<Readable>;
  /** The stored size, or null when absent. */
  head(ref: BlobRef): Promise<number | null>;
  /** Deletes; a missing blob is not an error (so retries are idempotent). */
  delete(ref: BlobRef, deleteToken?: string): Promise<void>;
  /** Where the blob lives, for reports. */
  urlOf(ref: BlobRef): string;
}
