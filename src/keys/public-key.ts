import { createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { utf8Decode } from "../core/bytes.js";
import { SigrunError } from "../core/errors.js";
import { keyIdFromSpki } from "./key-id.js";
import { parseOpenSshPublicKey } from "./openssh-public.js";
import type { KeyAlgorithm, PublicKeyInfo } from "./types.js";

const MAX_KEY_FILE = 64 * 1024;

/** Describes a public KeyObject, rejecting algorithms sigrun does not use. */
export function publicKeyInfo(keyObject: KeyObject): PublicKeyInfo {
  if (keyObject.type !== "public")
    throw new SigrunError("KEY_INVALID", `expected a public key, got ${keyObject.type}`);
  const algorithm = algorithmOf(keyObject);
  const spkiDer = new Uint8Array(keyObject.export({ format: "der", type: "spki" }));
  return { algorithm, keyObject, spkiDer, keyId: keyIdFromSpki(spkiDer) };
}

export function algorithmOf(keyObject: KeyObject): KeyAlgorithm {
  const type = keyObject.asymmetricKeyType;
  if (type === "ed25519") return "ed25519";
  if (type === "rsa") {
    const bits = keyObject.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048)
      throw new SigrunError("KEY_UNSUPPORTED", `rsa key: expected at least 2048 bits, got ${bits}`);
    return "rsa";
  }
  if (type === "ec") {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1" || curve === "P-256") return "p256";
    if (curve === "secp384r1" || curve === "P-384") return "p384";
    throw new SigrunError("KEY_UNSUPPORTED", `ec key: expected P-256 or P-384, got ${curve}`);
  }
  throw new SigrunError("KEY_UNSUPPORTED", `key type: expected ed25519, ecdsa or rsa, got ${type}`);
}

/**
 * Loads a public key from SPKI PEM, an X.509 certificate PEM, a PKCS#1 RSA public key PEM, an
 * OpenSSH `.pub` line, or SPKI DER.
 */
export function parsePublicKey(data: Uint8Array, source = "public key"): PublicKeyInfo {
  if (data.byteLength > MAX_KEY_FILE)
    throw new SigrunError("KEY_INVALID", `${source}: file larger than 64 KiB`);
  const text = looksText(data) ? utf8Decode(data, source).trim() : undefined;
  try {
    if (text !== undefined) {
      if (text.includes("-----BEGIN CERTIFICATE-----"))
        return publicKeyInfo(new X509Certificate(text).publicKey);
      if (/^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ssh-rsa) /.test(text)) {
        return publicKeyInfo(parseOpenSshPublicKey(text));
      }
      if (text.includes("PRIVATE KEY-----")) {
        throw new SigrunError("KEY_INVALID", `${source}: expected a public key, got a private key`);
      }
      if (text.includes("-----BEGIN ")) return publicKeyInfo(createPublicKey({ key: text, format: "pem" }));
      throw new SigrunError("KEY_INVALID", `${source}: not a PEM, certificate or OpenSSH public key`);
    }
    return publicKeyInfo(createPublicKey({ key: Buffer.from(data), format: "der", type: "spki" }));
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    throw new SigrunError("KEY_INVALID", `${source}: cannot parse public key`, { cause: err });
  }
}

function looksText(data: Uint8Array): boolean {
  const n = Math.min(data.byteLength, 64);
  for (let i = 0; i < n; i++) {
    const c = data[i]!;
    if (c !== 9 && c !== 10 && c !== 13 && (c < 32 || c > 126)) return false;
  }
  return true;
}
