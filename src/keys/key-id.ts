import { sha256Hex } from "../core/digest.js";

/** Key id = `sha256:` + hex of SHA-256(SPKI DER). */
export function keyIdFromSpki(spkiDer: Uint8Array): string {
  return `sha256:${sha256Hex(spkiDer)}`;
}

/** The 16-hex short form of a key id. */
export function shortKeyId(keyId: string): string {
  return keyId.replace(/^sha256:/, "").slice(0, 16);
}
