import { createHash, type Hash, randomBytes as nodeRandomBytes, timingSafeEqual } from "node:crypto";

/** SHA-256 (FIPS 180-4) of bytes or a UTF-8 string. The one SHA-256 helper of the project. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** SHA-256 as 64 lower-case hex characters. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** An incremental SHA-256, for data read in chunks: `update(…)` each chunk, then `digest("hex")`. */
export function sha256Hasher(): Hash {
  return createHash("sha256");
}

/** `n` bytes from the operating system's CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(n));
}

/**
 * Constant-time equality of two secrets of any length: compares their SHA-256 digests, so neither the
 * content nor (beyond the hashing) the length leaks through timing.
 */
export function secretsEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
