import { createCipheriv, type KeyObject, pbkdf2Sync, randomBytes } from "node:crypto";
import { SigrunError } from "../core/index.js";

/**
 * Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256,
 * 600,000 iterations, 16-byte salt, AES-256-CBC. node's own `export({cipher})` uses OpenSSL's default
 * of 2,048 iterations, too few for a passphrase; OpenSSL and node read this form unchanged.
 */
export const PBKDF2_ITERATIONS = 600_000;

function der(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.byteLength;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

const OID_PBES2 = Buffer.from("06092a864886f70d01050d", "hex");
const OID_PBKDF2 = Buffer.from("06092a864886f70d01050c", "hex");
const OID_HMAC_SHA256 = Buffer.from("06082a864886f70d0209", "hex");
const OID_AES256_CBC = Buffer.from("060960864801650304012a", "hex");

function integer(v: number): Buffer {
  const bytes: number[] = [];
  while (v > 0) {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return der(0x02, Buffer.from(bytes));
}

/** PEM `ENCRYPTED PRIVATE KEY` of `key` under `passphrase`. */
export function encryptPkcs8(key: KeyObject, passphrase: string, iterations = PBKDF2_ITERATIONS): string {
  if (passphrase.length === 0) throw new SigrunError("INPUT_INVALID", "passphrase: must not be empty");
  const plain = key.export({ format: "der", type: "pkcs8" });
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const k = pbkdf2Sync(Buffer.from(passphrase, "utf8"), salt, iterations, 32, "sha256");
  const c = createCipheriv("aes-256-cbc", k, iv);
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  const params = der(
    0x30,
    der(
      0x30,
      OID_PBKDF2,
      der(0x30, der(0x04, salt), integer(iterations), der(0x30, OID_HMAC_SHA256, Buffer.from([5, 0]))),
    ),
    der(0x30, OID_AES256_CBC, der(0x04, iv)),
  );
  const info = der(0x30, der(0x30, OID_PBES2, params), der(0x04, ciphertext));
  const lines = info.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${lines.join("\n")}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
}
