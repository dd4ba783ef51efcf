import { readFileSync } from "node:fs";
import { SigrunError } from "../core/index.js";
import { fileSigner } from "./file-signer.js";
import { type ClosableSigner, pkcs11Signer } from "./pkcs11-signer.js";
import { isPkcs11Uri, parsePkcs11Uri } from "./pkcs11-uri.js";
import { parsePrivateKey } from "./private-key.js";

export interface LoadSignerOptions {
  /** Passphrase for an encrypted key file. */
  readonly passphrase?: string;
  /** PIN for a PKCS#11 token (else the URI's pin-source file). */
  readonly pin?: string;
  /** PKCS#11 module when the URI has no module-path (else env SIGRUN_PKCS11_MODULE). */
  readonly modulePath?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? "cannot read"}`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Opens a Signer from a key spec: a private key file path (PKCS#8, traditional PEM, OpenSSH) or a
 * `pkcs11:` URI. Call `close()` when done (a no-op for file keys).
 */
export async function loadSigner(spec: string, opts: LoadSignerOptions = {}): Promise<ClosableSigner> {
  if (isPkcs11Uri(spec)) {
    const uri = parsePkcs11Uri(spec);
    const env = opts.env ?? process.env;
    const module = uri.modulePath ?? opts.modulePath ?? env.SIGRUN_PKCS11_MODULE;
    if (module === undefined)
      throw new SigrunError("USAGE", "pkcs11 uri: module-path: required (or set SIGRUN_PKCS11_MODULE)");
    if (!module.startsWith("/") || module.includes("\0"))
      throw new SigrunError("USAGE", "pkcs11: module: expected an absolute path (no library search path)");
    let pin = opts.pin;
    if (pin === undefined && uri.pinFile !== undefined)
      pin = Buffer.from(readFile(uri.pinFile, "pin file"))
        .toString("utf8")
        .replace(/\r?\n$/, "");
    if (pin === undefined) throw new SigrunError("USAGE", "pkcs11: pin: give --pin-file or --pin-env");
    return pkcs11Signer({
      module,
      tokenLabel: uri.tokenLabel,
      ...(uri.tokenSerial !== undefined ? { tokenSerial: uri.tokenSerial } : {}),
      ...(uri.keyLabel !== undefined ? { keyLabel: uri.keyLabel } : {}),
      ...(uri.keyId !== undefined ? { keyId: uri.keyId } : {}),
      pin,
    });
  }
  const key = parsePrivateKey(readFile(spec, "key"), opts.passphrase, spec);
  const signer = fileSigner(key);
  return { ...signer, close: async () => {} };
}
