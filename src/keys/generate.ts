import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { encryptPkcs8 } from "./pkcs8-encrypt.js";

export const KEYGEN_TYPES = ["ed25519", "p256", "rsa3072", "x25519"] as const;
export type KeygenType = (typeof KEYGEN_TYPES)[number];

export interface GeneratedKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateKey(type: KeygenType): GeneratedKey {
  switch (type) {
    case "ed25519":
      return generateKeyPairSync("ed25519");
    case "x25519":
      return generateKeyPairSync("x25519");
    case "p256":
      return generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    case "rsa3072":
      return generateKeyPairSync("rsa", { modulusLength: 3072 });
    default:
      throw new SigrunError(
        "USAGE",
        `key type: expected one of ${KEYGEN_TYPES.join(", ")}, got ${String(type)}`,
      );
  }
}

/**
 * PKCS#8 PEM; when a passphrase is given, encrypted PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, 600,000
 * iterations, AES-256-CBC; see pkcs8-encrypt.ts).
 */
export function privateKeyPem(key: KeyObject, passphrase?: string): string {
  if (passphrase === undefined) return key.export({ format: "pem", type: "pkcs8" }).toString();
  return encryptPkcs8(key, passphrase);
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: "pem", type: "spki" }).toString();
}
