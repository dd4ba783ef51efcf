import { createPrivateKey, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import { SigrunError } from "../core/index.js";

type Sshpk = typeof import("sshpk");

/**
 * Reads an `-----BEGIN OPENSSH PRIVATE KEY-----` file with sshpk (which handles bcrypt-pbkdf encryption).
 * Ed25519 is rebuilt as PKCS#8 from the 32-byte seed, because sshpk's own PKCS#8 output for Ed25519 is
 * not what OpenSSL expects (deps.md §5).
 */
export function parseOpenSshPrivateKey(
  text: string,
  passphrase: string | undefined,
  source: string,
): KeyObject {
  const sshpk = createRequire(import.meta.url)("sshpk") as Sshpk;
  let key: import("sshpk").PrivateKey;
  try {
    key = sshpk.parsePrivateKey(text, "ssh-private", passphrase === undefined ? {} : { passphrase });
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === "KeyEncryptedError") {
      throw new SigrunError(
        "KEY_PASSPHRASE_REQUIRED",
        `${source}: key is encrypted; give --passphrase-file or --passphrase-env`,
      );
    }
    if (passphrase !== undefined)
      throw new SigrunError("KEY_PASSPHRASE_WRONG", `${source}: wrong passphrase or bad key`, { cause: err });
    throw new SigrunError("KEY_INVALID", `${source}: cannot parse openssh private key`, { cause: err });
  }
  try {
    if (key.type === "ed25519") {
      const parts = (key as unknown as { part: Record<string, { data: Buffer }> }).part;
      const seed = parts.k!.data.subarray(-32);
      const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
      return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    }
    return createPrivateKey({ key: key.toString("pkcs8"), format: "pem" });
  } catch (err) {
    throw new SigrunError("KEY_INVALID", `${source}: cannot convert openssh private key`, { cause: err });
  }
}
