// sigrun's small, stable core: verify a signed bundle against trusted keys, verify an agent's signed
// receipt, and the error type every module throws. Everything else lives under a subpath export
// (`sigrun/bundle`, `sigrun/keys`, `sigrun/runner`, …); see docs/library.md.

export { verifyReceipt } from "./agent/receipt.js";
export type { TrustStore } from "./bundle/trust-store.js";
export { loadTrustStore, trustStoreOf } from "./bundle/trust-store.js";
export type { VerifiedBundle, VerifiedSigner, VerifyOptions } from "./bundle/verify.js";
export { verifyBundle } from "./bundle/verify.js";
export type { ErrorCode } from "./core/error-codes.js";
export { ERROR_CODES, isErrorCode } from "./core/error-codes.js";
export { isSigrunError, SigrunError } from "./core/errors.js";
export { parsePublicKey } from "./keys/index.js";
