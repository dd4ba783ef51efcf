import type { ErrorCode } from "../core/index.js";

/**
 * Exit codes of the sigrun CLI (documented in docs/cli.md). 0 = success, 1 = generic failure,
 * 2 = usage. Verification failures each have their own code so scripts can branch on them.
 * (`sigrun run` follows Rex's own 0/1/2 convention instead; see its help.)
 */
export const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  USAGE: 2,
  BUNDLE_MALFORMED: 10,
  DIGEST_MISMATCH: 11,
  SIGNATURE_INVALID: 12,
  SIGNER_UNTRUSTED: 13,
  SIGNER_REVOKED: 14,
  THRESHOLD_NOT_MET: 15,
  EXPIRED: 16,
  NOT_YET_VALID: 17,
  WRONG_TARGET: 18,
  UNSUPPORTED_VERSION: 19,
  TRUST_STORE_INVALID: 20,
  KEY_INVALID: 21,
  KEY_UNSUPPORTED: 22,
  KEY_PASSPHRASE_REQUIRED: 23,
  KEY_PASSPHRASE_WRONG: 24,
  SIGNATURE_FORMAT_INVALID: 25,
  PKCS11_ERROR: 26,
  INPUT_INVALID: 27,
  IO_ERROR: 28,
  SCRIPT_ERROR: 30,
  SCRIPT_PARSE_ERROR: 31,
  POLICY_INVALID: 32,
  POLICY_DENIED: 33,
  NOBODY_JOINED: 40,
  HANDSHAKE_FAILED: 41,
  PEER_REJECTED: 42,
  RELAY_UNAVAILABLE: 43,
  TIMEOUT: 44,
  JOIN_STRING_INVALID: 45,
  CHANNEL_ERROR: 46,
  REPLAY: 50,
  RECEIPT_INVALID: 51,
  AUDIT_CORRUPT: 52,
  TOO_LARGE: 56,
  INTERRUPTED: 57,
  HOST_UNKNOWN: 80,
  HOST_KEY_MISMATCH: 81,
  OFFER_INVALID: 82,
  ATTESTATION_INVALID: 53,
  SEAL_ERROR: 54,
  STORE_ERROR: 55,
  SEAL_MALFORMED: 70,
  SEAL_NO_IDENTITY: 71,
  SEAL_HEADER_MAC: 72,
  SEAL_PAYLOAD_INVALID: 73,
  STORE_NOT_FOUND: 74,
  STORE_CONFLICT: 75,
  STORE_FULL: 76,
};

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code] ?? 1;
}
