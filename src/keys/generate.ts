import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { SigrunError } from "../core/index.js";

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

/** PKCS#8 PEM, encrypted with AES-256-CBC + scrypt-derived key via PBES2 when a passphrase is given. */
export function privateKeyPem(key: KeyObject, passphrase?: string): string {
  if (passphrase === undefined) return key.export({ format: "pem", type: "pkcs8" }).toString();
  if (passphrase.length === 0) throw new SigrunError("INPUT_INVALID", "passphrase: must not be empty");
  return key.export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase }).toString();
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: "pem", type: "spki" }).toString();
}
