/**
 * The closed union of error codes used across sigrun. Each module owns one section; add codes to your
 * section only. Tests assert codes, never messages. The CLI maps codes to exit codes (src/cli/exit-codes.ts).
 */
export const ERROR_CODES = [
  // core / generic
  "USAGE",
  "IO_ERROR",
  "INPUT_INVALID",
  "INTERNAL",
  "TIMEOUT",
  "LIMIT_EXCEEDED",
  // keys
  "KEY_INVALID",
  "KEY_UNSUPPORTED",
  "KEY_PASSPHRASE_REQUIRED",
  "KEY_PASSPHRASE_WRONG",
  "SIGNATURE_FORMAT_INVALID",
  "PKCS11_ERROR",
  // bundle / verify
  "BUNDLE_MALFORMED",
  "DIGEST_MISMATCH",
  "SIGNATURE_INVALID",
  "SIGNER_UNTRUSTED",
  "SIGNER_REVOKED",
  "THRESHOLD_NOT_MET",
  "EXPIRED",
  "NOT_YET_VALID",
  "WRONG_TARGET",
  "UNSUPPORTED_VERSION",
  "TRUST_STORE_INVALID",
  // script (Rhai engine) — engine errors are values, these are for host-level failures
  "SCRIPT_ERROR",
  "SCRIPT_PARSE_ERROR",
  // policy / host / runner
  "POLICY_INVALID",
  "POLICY_DENIED",
  "SCHEMA_INVALID",
  "RUNNER_ERROR",
  // protocol / relay
  "PROTOCOL_ERROR",
  "RELAY_UNAVAILABLE",
  "RELAY_REJECTED",
  "SESSION_NOT_FOUND",
  "SESSION_FULL",
  "SESSION_EXPIRED",
  "RATE_LIMITED",
  "FRAME_TOO_LARGE",
  "UNAUTHORIZED",
  // session / signing
  "JOIN_STRING_INVALID",
  "HANDSHAKE_FAILED",
  "CHANNEL_ERROR",
  "PEER_REJECTED",
  "NOBODY_JOINED",
  "PARTIAL_RESULT",
  // seal / store / remote
  "SEAL_ERROR",
  "STORE_ERROR",
  "SEAL_MALFORMED",
  "SEAL_NO_IDENTITY",
  "SEAL_HEADER_MAC",
  "SEAL_PAYLOAD_INVALID",
  "STORE_NOT_FOUND",
  "STORE_CONFLICT",
  "STORE_FULL",
  // agent / audit / receipt
  "REPLAY",
  "AUDIT_CORRUPT",
  "RECEIPT_INVALID",
  "TRANSPORT_ERROR",
  "TOO_LARGE",
  "INTERRUPTED",
  "STATE_MIGRATION_REQUIRED",
  "JOB_NOT_FOUND",
  "UNSAFE_PERMISSIONS",
  // attest
  "ATTESTATION_INVALID",
  // remote (sealed execution)
  "HOST_UNKNOWN",
  "HOST_KEY_MISMATCH",
  "OFFER_INVALID",
  // bundle lint
  "LINT_FAILED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}
