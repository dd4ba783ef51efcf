import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import {
  fileSigner,
  generateKey,
  type PublicKeyInfo,
  parsePrivateKey,
  privateKeyPem,
  publicKeyInfo,
  publicKeyPem,
  type Signer,
} from "../keys/index.js";

export const HOST_KEY_FILE = "host.key";
export const HOST_PUB_FILE = "host.pub";

export interface HostIdentity {
  readonly signer: Signer;
  readonly publicKey: PublicKeyInfo;
  readonly publicKeyPem: string;
}

/**
 * Loads the host's Ed25519 receipt key from the state directory, creating it (0600, PKCS#8 PEM) with its
 * public half (host.pub) at first start. The state directory itself is made 0700.
 */
export function loadOrCreateHostKey(stateDir: string): HostIdentity {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const keyPath = join(stateDir, HOST_KEY_FILE);
  if (!existsSync(keyPath)) {
    const { privateKey } = generateKey("ed25519");
    const tmp = `${keyPath}.tmp-${process.pid}`;
    writeFileSync(tmp, privateKeyPem(privateKey), { mode: 0o600 });
    renameSync(tmp, keyPath);
  }
  const mode = statSync(keyPath).mode & 0o077;
  if (mode !== 0) chmodSync(keyPath, 0o600);
  const priv = parsePrivateKey(new Uint8Array(readFileSync(keyPath)), undefined, keyPath);
  if (priv.asymmetricKeyType !== "ed25519")
    throw new SigrunError(
      "KEY_UNSUPPORTED",
      `host key ${keyPath}: expected ed25519, got ${priv.asymmetricKeyType}`,
    );
  const signer = fileSigner(priv);
  const pem = publicKeyPem(signer.publicKey.keyObject);
  const pubPath = join(stateDir, HOST_PUB_FILE);
  if (!existsSync(pubPath) || readFileSync(pubPath, "utf8") !== pem)
    writeFileSync(pubPath, pem, { mode: 0o644 });
  return { signer, publicKey: publicKeyInfo(signer.publicKey.keyObject), publicKeyPem: pem };
}
