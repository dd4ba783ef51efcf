import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { SigrunError, utf8Decode } from "../core/index.js";
import { parseOpenSshPrivateKey } from "./openssh-private.js";

const MAX_KEY_FILE = 64 * 1024;

/**
 * Loads a private key from PKCS#8 PEM (plain or encrypted), traditional RSA/EC PEM, PKCS#8 DER, or an
 * OpenSSH private key file. `passphrase` is only used for encrypted keys.
 */
export function parsePrivateKey(data: Uint8Array, passphrase?: string, source = "private key"): KeyObject {
  if (data.byteLength > MAX_KEY_FILE)
    throw new SigrunError("KEY_INVALID", `${source}: file larger than 64 KiB`);
  const text = data[0] === 0x30 ? undefined : utf8Decode(data, source);
  if (text?.includes("-----BEGIN OPENSSH PRIVATE KEY-----"))
    return parseOpenSshPrivateKey(text, passphrase, source);
  const encrypted =
    text !== undefined && (text.includes("ENCRYPTED PRIVATE KEY") || text.includes("Proc-Type: 4,ENCRYPTED"));
  if (encrypted && passphrase === undefined) {
    throw new SigrunError(
      "KEY_PASSPHRASE_REQUIRED",
      `${source}: key is encrypted; give --passphrase-file or --passphrase-env`,
    );
  }
  try {
    if (text !== undefined) {
      if (!text.includes("PRIVATE KEY-----"))
        throw new SigrunError("KEY_INVALID", `${source}: not a private key PEM`);
      return createPrivateKey({ key: text, format: "pem", passphrase: encrypted ? passphrase : undefined });
    }
    return createPrivateKey({ key: Buffer.from(data), format: "der", type: "pkcs8" });
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    if (encrypted)
      throw new SigrunError("KEY_PASSPHRASE_WRONG", `${source}: wrong passphrase`, { cause: err });
    throw new SigrunError("KEY_INVALID", `${source}: cannot parse private key`, { cause: err });
  }
}

export function publicFromPrivate(key: KeyObject): KeyObject {
  return createPublicKey(key);
}
