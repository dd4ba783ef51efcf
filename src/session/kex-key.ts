import { createPublicKey } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { x25519PublicRaw } from "./primitives.js";

/**
 * Reads a signer's key-agreement public key (X25519, SPKI PEM or DER, as `sigrun keygen --type x25519`
 * writes it) and returns the raw 32 bytes.
 */
export function parseKexPublicKey(data: Uint8Array, source = "key agreement key"): Uint8Array {
  if (data.byteLength > 16 * 1024) throw new SigrunError("KEY_INVALID", `${source}: larger than 16 KiB`);
  try {
    const text = Buffer.from(data).toString("utf8");
    const key = text.includes("-----BEGIN")
      ? createPublicKey({ key: text, format: "pem" })
      : createPublicKey({ key: Buffer.from(data), format: "der", type: "spki" });
    return x25519PublicRaw(key);
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    throw new SigrunError(
      "KEY_INVALID",
      `${source}: expected an x25519 public key (sigrun keygen --type x25519)`,
      {
        cause: err,
      },
    );
  }
}
