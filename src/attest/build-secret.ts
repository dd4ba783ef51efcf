import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { fromBase64Url, randomBytes, SigrunError, toBase64Url } from "../core/index.js";
import { fileSigner, type Signer } from "../keys/index.js";
import { nonceKeyId } from "./envelope.js";
import type { BuildVariant } from "./formats.js";
import { checkBuildId } from "./names.js";

/**
 * The secret injected into the build host M: an ephemeral Ed25519 private key (key variant) or a random
 * 256-bit nonce (MAC variant), bound to one build id. Text form (file or one environment variable):
 *   sigrun-build-key-v1:<build id>:<base64url PKCS#8 DER>
 *   sigrun-build-nonce-v1:<build id>:<base64url 32 bytes>
 */
export type BuildSecret =
  | {
      readonly variant: "key";
      readonly build: string;
      readonly privateKey: KeyObject;
      readonly signer: Signer;
    }
  | { readonly variant: "mac"; readonly build: string; readonly nonce: Uint8Array; readonly keyId: string };

const PREFIX: Record<BuildVariant, string> = { key: "sigrun-build-key-v1", mac: "sigrun-build-nonce-v1" };
const MAX_TEXT = 1024;

function keySecret(build: string, privateKey: KeyObject): BuildSecret {
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new SigrunError("KEY_UNSUPPORTED", "build key: expected ed25519");
  return { variant: "key", build, privateKey, signer: fileSigner(privateKey) };
}

function macSecret(build: string, nonce: Uint8Array): BuildSecret {
  if (nonce.byteLength !== 32) throw new SigrunError("KEY_INVALID", "build nonce: expected 32 bytes");
  return { variant: "mac", build, nonce, keyId: nonceKeyId(nonce) };
}

/** A fresh secret for one build. */
export function newBuildSecret(build: string, variant: BuildVariant): BuildSecret {
  checkBuildId(build);
  if (variant === "mac") return macSecret(build, randomBytes(32));
  return keySecret(build, generateKeyPairSync("ed25519").privateKey);
}

/** The one-line text form (no newline). */
export function encodeBuildSecret(s: BuildSecret): string {
  const body =
    s.variant === "key" ? new Uint8Array(s.privateKey.export({ format: "der", type: "pkcs8" })) : s.nonce;
  return `${PREFIX[s.variant]}:${s.build}:${toBase64Url(body)}`;
}

/** Parses the text form (one trailing newline allowed). `expect` restricts the variant. */
export function parseBuildSecret(text: string, expect?: BuildVariant): BuildSecret {
  const t = text.replace(/\r?\n$/, "");
  const bad = (why: string) => new SigrunError("KEY_INVALID", `build secret: ${why}`);
  if (t.length > MAX_TEXT) throw bad(`longer than ${MAX_TEXT} characters`);
  const parts = t.split(":");
  if (parts.length !== 3) throw bad("expected <type>:<build id>:<base64url>");
  const [prefix, build, body] = parts as [string, string, string];
  const variant = (Object.keys(PREFIX) as BuildVariant[]).find((v) => PREFIX[v] === prefix);
  if (variant === undefined) throw bad(`expected ${PREFIX.key} or ${PREFIX.mac}`);
  if (expect !== undefined && variant !== expect)
    throw new SigrunError(
      "USAGE",
      `build secret: this is a ${variant === "key" ? "build key" : "build nonce"}; use ${variant === "key" ? "--build-key-env/--build-key-file" : "--nonce-env"}`,
    );
  try {
    checkBuildId(build);
  } catch (err) {
    throw bad((err as Error).message);
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(body, "build secret");
  } catch (err) {
    throw new SigrunError("KEY_INVALID", "build secret: bad base64url", { cause: err });
  }
  if (variant === "mac") return macSecret(build, bytes);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(bytes), format: "der", type: "pkcs8" });
  } catch (err) {
    throw new SigrunError("KEY_INVALID", "build key: not a PKCS#8 private key", { cause: err });
  }
  return keySecret(build, key);
}
