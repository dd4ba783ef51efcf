import { createHash } from "node:crypto";

/** Key id = `sha256:` + hex of SHA-256(SPKI DER). */
export function keyIdFromSpki(spkiDer: Uint8Array): string {
  return `sha256:${createHash("sha256").update(spkiDer).digest("hex")}`;
}

/** The 16-hex short form of a key id. */
export function shortKeyId(keyId: string): string {
  return keyId.replace(/^sha256:/, "").slice(0, 16);
}
