import { SigrunError } from "../core/index.js";
import type { ClosableSigner } from "../keys/index.js";
import { readSecret } from "./io.js";
import { withPassphrasePrompt } from "./prompt.js";

export interface SignerFlags {
  key: string;
  passphraseFile?: string;
  passphraseEnv?: string;
  pinFile?: string;
  pinEnv?: string;
}

/**
 * Opens the Signer a verb's `--key` names (a key file or a `pkcs11:` URI), reading the passphrase or PIN
 * from a file or an environment variable only — or, for an encrypted key with neither given, from the
 * terminal with echo off. Close it when done.
 */
export async function loadCliSigner(o: SignerFlags): Promise<ClosableSigner> {
  if (o.key === "-")
    throw new SigrunError(
      "USAGE",
      "key -: a signing key is not read from stdin (stdin may carry the data, the terminal the passphrase); give its file, e.g. <(command)",
    );
  const { loadSigner } = await import("../keys/index.js");
  const passphrase = readSecret({ file: o.passphraseFile, env: o.passphraseEnv }, "passphrase");
  const pin = readSecret({ file: o.pinFile, env: o.pinEnv }, "pin");
  return withPassphrasePrompt(passphrase, o.key, (p) => loadSigner(o.key, { passphrase: p, pin }));
}
