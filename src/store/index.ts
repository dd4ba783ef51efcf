/**
 * sigrun/store — the untrusted blob store: `sigrun store serve` (content-addressed, write-once HTTP
 * blob store that only ever sees ciphertext) and the client for https://, http:// and s3:// stores.
 * Errors: STORE_NOT_FOUND, STORE_CONFLICT (write-once), STORE_FULL (507), DIGEST_MISMATCH (a GET whose
 * bytes do not match the digest/size, or a PUT the server refused for that), TOO_LARGE, UNAUTHORIZED,
 * POLICY_DENIED (wrong deletion token), STORE_ERROR (network; retried).
 */
export type { BlobBackend } from "./backend.js";
export {
  openStore,
  type PutOptions,
  type PutResult,
  type StoreClient,
  type StoreClientOptions,
  type TransferOptions,
} from "./client.js";
export { type BlobRef, checkRef, digestHex, parseSize, refOfBytes, refOfFile, refOfStream } from "./ref.js";
export { S3Client, type S3Config, type S3Object, s3ConfigFromUrl } from "./s3.js";
export {
  type RunningStore,
  STORE_DEFAULTS,
  type StoreServerOptions,
  startStoreServer,
} from "./server.js";
