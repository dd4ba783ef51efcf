import { SigrunError } from "../core/index.js";
import type { Signer } from "../keys/index.js";
import { readInput, readSecret } from "./io.js";

export interface SignerFlags {
  key: string;
  passphraseFile?: string;
  passphraseEnv?: string;
  pinFile?: string;
  pinEnv?: string;
}

/** Loads the Signer a verb's `--key` names: a key file, or a `pkcs11:` URI when the keys module supports it. */
export async function loadCliSigner(o: SignerFlags): Promise<Signer> {
  const keys = await import("../keys/index.js");
  const passphrase = readSecret({ file: o.passphraseFile, env: o.passphraseEnv }, "passphrase");
  if (o.key.startsWith("pkcs11:")) {
    const loadSigner = (
      keys as unknown as {
        loadSigner?: (spec: string, opts: { passphrase?: string; pin?: string }) => Promise<Signer>;
      }
    ).loadSigner;
    if (!loadSigner) throw new SigrunError("KEY_UNSUPPORTED", "pkcs11: keys are not supported by this build");
    return loadSigner(o.key, { pin: readSecret({ file: o.pinFile, env: o.pinEnv }, "pin") });
  }
  return keys.fileSigner(keys.parsePrivateKey(readInput(o.key, "key"), passphrase, o.key));
}
