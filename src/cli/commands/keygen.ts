import type { Command } from "commander";
import { outputDir, printJson, readSecret, writeOutput } from "../io.js";
import { promptSecret } from "../prompt.js";

/**
 * On a terminal: asks for a passphrase twice (no echo); empty means unencrypted, said explicitly.
 * Without a terminal: unencrypted, with a note (scripts say so with --no-passphrase).
 */
async function askNewPassphrase(keyPath: string): Promise<string | undefined> {
  const { SigrunError } = await import("../../core/index.js");
  const first = await promptSecret(`passphrase for ${keyPath} (empty for none): `);
  if (first === undefined) {
    process.stderr.write(
      `note: no terminal to ask for a passphrase: ${keyPath} is not encrypted (--no-passphrase)\n`,
    );
    return undefined;
  }
  if (first === "") {
    process.stderr.write(`no passphrase: ${keyPath} is stored unencrypted (mode 0600)\n`);
    return undefined;
  }
  const again = await promptSecret("same passphrase again: ");
  if (again !== first) throw new SigrunError("USAGE", "the passphrases do not match; nothing written");
  return first;
}

export function register(program: Command): void {
  program
    .command("keygen")
    .description("generate a key pair: NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub (SPKI PEM)")
    .option(
      "--type <type>",
      "ed25519 | p256 | rsa3072 | x25519 (x25519: key agreement, not signing)",
      "ed25519",
    )
    .requiredOption("-o, --output <name>", "output name: writes NAME.key and NAME.pub; refuses to overwrite")
    .option("--passphrase-file <file>", "encrypt NAME.key with the passphrase in this file")
    .option("--passphrase-env <var>", "encrypt NAME.key with the passphrase in this environment variable")
    .option(
      "--no-passphrase",
      "store NAME.key unencrypted without asking (scripts); on a terminal keygen otherwise asks for one",
    )
    .option("--json", "print the result as JSON")
    .action(
      async (o: {
        type: string;
        output: string;
        passphraseFile?: string;
        passphraseEnv?: string;
        passphrase: boolean;
        json?: boolean;
      }) => {
        const { existsSync } = await import("node:fs");
        const { SigrunError } = await import("../../core/index.js");
        const { generateKey, KEYGEN_TYPES, keyIdFromSpki, privateKeyPem, publicKeyPem, shortKeyId } =
          await import("../../keys/index.js");
        if (!(KEYGEN_TYPES as readonly string[]).includes(o.type))
          throw new SigrunError("USAGE", `--type: expected one of ${KEYGEN_TYPES.join(", ")}, got ${o.type}`);
        outputDir(o.output, "-o", "a name (NAME.key and NAME.pub are written)");
        const keyPath = `${o.output}.key`;
        const pubPath = `${o.output}.pub`;
        for (const p of [keyPath, pubPath])
          if (existsSync(p)) throw new SigrunError("IO_ERROR", `${p}: exists; refusing to overwrite`);
        let passphrase = readSecret({ file: o.passphraseFile, env: o.passphraseEnv }, "passphrase");
        if (!o.passphrase && passphrase !== undefined)
          throw new SigrunError("USAGE", "--no-passphrase with --passphrase-file/--passphrase-env");
        if (passphrase === undefined && o.passphrase) passphrase = await askNewPassphrase(keyPath);
        if (passphrase === "") passphrase = undefined;
        const pair = generateKey(o.type as (typeof KEYGEN_TYPES)[number]);
        const keyId = keyIdFromSpki(new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" })));
        writeOutput(keyPath, privateKeyPem(pair.privateKey, passphrase), { mode: 0o600 });
        writeOutput(pubPath, publicKeyPem(pair.publicKey));
        const result = {
          type: o.type,
          keyId,
          shortKeyId: shortKeyId(keyId),
          privateKey: keyPath,
          publicKey: pubPath,
          encrypted: passphrase !== undefined,
        };
        if (o.json) printJson(result);
        else
          process.stdout.write(
            `key id: ${keyId}\nshort:  ${result.shortKeyId}\nwrote:  ${keyPath} (private, 0600${passphrase !== undefined ? ", encrypted" : ""}), ${pubPath}\n`,
          );
      },
    );
}
