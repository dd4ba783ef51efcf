import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import type { ClosableSigner } from "../../keys/index.js";
import { note, readInput, writeOutput } from "../io.js";

/** Options every verb that loads a private key (file or `pkcs11:` URI) accepts. */
export interface KeyOptions {
  passphraseFile?: string;
  passphraseEnv?: string;
  pinFile?: string;
  pinEnv?: string;
}

/** Adds --passphrase-file/--passphrase-env/--pin-file/--pin-env (secrets never on argv). */
export function addKeyOptions(cmd: Command): Command {
  return cmd
    .option("--passphrase-file <file>", "read the key passphrase from this file")
    .option("--passphrase-env <var>", "read the key passphrase from this environment variable")
    .option("--pin-file <file>", "read the PKCS#11 user PIN from this file (for --key pkcs11:…)")
    .option("--pin-env <var>", "read the PKCS#11 user PIN from this environment variable");
}

/** Opens the signer for `--key` (a key file or a `pkcs11:` URI). */
export async function openSigner(spec: string, o: KeyOptions): Promise<ClosableSigner> {
  const { loadCliSigner } = await import("../signer.js");
  return loadCliSigner({ ...o, key: spec });
}

export function register(program: Command): void {
  const cmd = program
    .command("sign-file <file>")
    .description(
      "make a detached signature: raw (openssl dgst/pkeyutl), ssh (SSHSIG, ssh-keygen -Y verify) or openpgp (gpgv)",
    )
    .requiredOption(
      "--key <key>",
      "private key file (PKCS#8, PEM, OpenSSH) or pkcs11:token=…;object=…?module-path=…",
    )
    .option("--format <format>", "raw | ssh | openpgp", "raw")
    .option("--namespace <ns>", "SSHSIG namespace (ssh format)", "file")
    .option("-o, --output <file>", "signature file; `-` for stdout (default FILE.sig, FILE.asc for openpgp)")
    .option("--force", "overwrite an existing signature file")
    .option("-q, --quiet", "do not print the line saying what was written");
  addKeyOptions(cmd).action(
    async (
      file: string,
      o: KeyOptions & {
        key: string;
        format: string;
        namespace: string;
        output?: string;
        force?: boolean;
        quiet?: boolean;
      },
    ) => {
      const { parseSignatureFormat, signFile } = await import("../../keys/index.js");
      const format = parseSignatureFormat(o.format);
      const data = readInput(file, "file");
      if (format === "raw") await warnIfClassicBundle(data, file);
      const signer = await openSigner(o.key, o);
      let sig: Uint8Array;
      try {
        sig = await signFile(signer, data, format, { namespace: o.namespace });
      } finally {
        await signer.close();
      }
      if (o.output === undefined && file === "-")
        throw new SigrunError("USAGE", "sign-file -: give -o FILE (or -o - for stdout) for the signature");
      const out = o.output ?? `${file}.${format === "openpgp" ? "asc" : "sig"}`;
      writeOutput(out, sig, { overwrite: o.force === true });
      note(
        `wrote ${out === "-" ? "the signature to stdout" : out} (${format} signature by ${signer.publicKey.keyId})`,
        o.quiet,
      );
    },
  );
}

/**
 * A raw signature over a classic bundle (a tar.gz of script.rhai + policy.cedar, recognized from the
 * content, never the name) is also that bundle's signature: an agent trusting the key for bundles runs
 * it, on any host, with no expiry (issue 14 item 7). Said on stderr whatever --quiet says.
 */
export async function warnIfClassicBundle(data: Uint8Array, file: string): Promise<void> {
  const { identifyArchive } = await import("../../bundle/index.js");
  if (identifyArchive(data).kind !== "classic-bundle") return;
  process.stderr.write(
    `sigrun: warning: ${file === "-" ? "stdin" : file} is a classic sigrun bundle (tar.gz of script.rhai + policy.cedar): ` +
      "a raw signature over it authorizes running it on any agent that trusts this key for bundles " +
      "(any host, no expiry); sign files and bundles with separate keys and scope them in the trust " +
      "directory's `purposes` file (docs/spec/bundle.md §6)\n",
  );
}
