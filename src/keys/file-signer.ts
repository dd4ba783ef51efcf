import type { KeyObject } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { publicFromPrivate } from "./private-key.js";
import { publicKeyInfo } from "./public-key.js";
import { rawSign } from "./raw-signature.js";
import type { Signer } from "./types.js";

/** A Signer backed by a private key held in memory (loaded from a key file). */
export function fileSigner(privateKey: KeyObject): Signer {
  if (privateKey.type !== "private") throw new SigrunError("KEY_INVALID", "expected a private key");
  const publicKey = publicKeyInfo(publicFromPrivate(privateKey));
  return {
    publicKey,
    sign: async (message) => rawSign(publicKey.algorithm, privateKey, message),
  };
}
