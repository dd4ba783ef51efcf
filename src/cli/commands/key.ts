import type { Command } from "commander";
import { printJson, readInput, readSecret, writeOutput } from "../io.js";
import { withPassphrasePrompt } from "../prompt.js";
import { addKeyOptions, type KeyOptions, openSigner } from "./sign-file.js";

export function register(program: Command): void {
  const key = program.command("key").description("show key ids and export public keys for other tools");

  const exp = key
    .command("export <key>")
    .description(
      "write the public key as an OpenSSH line or an armored OpenPGP public key (self-signed user id, " +
        "creation time fixed to 0 so the same key always exports the same fingerprint)",
    )
    .requiredOption("--format <format>", "openssh | openpgp")
    .option("--uid <uid>", 'OpenPGP user id, e.g. "Name <mail@example.com>" (default: sigrun SHORTID)')
    .option("-o, --output <file>", "output file (default stdout)");
  addKeyOptions(exp).action(
    async (spec: string, o: KeyOptions & { format: string; uid?: string; output?: string }) => {
      const { SigrunError } = await import("../../core/index.js");
      const keys = await import("../../keys/index.js");
      let text: string;
      if (o.format === "openssh") {
        if (keys.isPkcs11Uri(spec)) {
          const signer = await openSigner(spec, o);
          await signer.close();
          text = `${keys.openSshPublicKeyLine(signer.publicKey.keyObject)}\n`;
        } else {
          const data = readInput(spec, "key");
          const isPrivate = Buffer.from(data.subarray(0, 4096))
            .toString("latin1")
            .includes("PRIVATE KEY-----");
          const given = readSecret({ file: o.passphraseFile, env: o.passphraseEnv }, "passphrase");
          const pub = isPrivate
            ? keys.publicFromPrivate(
                await withPassphrasePrompt(given, spec, (p) => keys.parsePrivateKey(data, p, spec)),
              )
            : keys.parsePublicKey(data, spec).keyObject;
          text = `${keys.openSshPublicKeyLine(pub)}\n`;
        }
      } else if (o.format === "openpgp") {
        const signer = await openSigner(spec, o);
        try {
          text = await keys.openPgpPublicKey(signer, o.uid);
        } finally {
          await signer.close();
        }
      } else throw new SigrunError("USAGE", `--format: expected openssh or openpgp, got ${o.format}`);
      if (o.output === undefined || o.output === "-") process.stdout.write(text);
      else writeOutput(o.output, text);
    },
  );

  const id = key
    .command("id <file>")
    .description(
      "print a key's identities: the sigrun key id (sha256 of the SPKI DER), the OpenSSH fingerprint " +
        "(SHA256:…, as ssh-keygen -l prints it) and the OpenPGP fingerprint — of a public or private key file, " +
        "an OpenPGP certificate, or a pkcs11: key",
    );
  addKeyOptions(id)
    .option("--json", "print the result as JSON")
    .action(async (spec: string, o: KeyOptions & { json?: boolean }) => {
      const keys = await import("../../keys/index.js");
      let facts: {
        kind: string;
        type: string;
        keyId: string;
        shortKeyId: string;
        openssh?: string;
        openpgp?: string;
      };
      if (keys.isPkcs11Uri(spec)) {
        const signer = await openSigner(spec, o);
        await signer.close();
        const k = signer.publicKey;
        facts = {
          kind: "pkcs11",
          type: k.algorithm,
          keyId: k.keyId,
          shortKeyId: keys.shortKeyId(k.keyId),
          ...keys.keyFingerprints(k.keyObject),
        };
      } else {
        const given = readSecret({ file: o.passphraseFile, env: o.passphraseEnv }, "passphrase");
        const data = readInput(spec, "key");
        facts = await withPassphrasePrompt(given, spec, (p) => keys.describeKeyFile(data, p, spec));
      }
      if (o.json) printJson(facts);
      else
        process.stdout.write(
          [
            facts.keyId,
            `short:   ${facts.shortKeyId} (${facts.type}, ${facts.kind})`,
            `openssh: ${facts.openssh ?? "(no OpenSSH form for this key type)"}`,
            `openpgp: ${facts.openpgp ?? "(no OpenPGP form for this key type)"}`,
            "",
          ].join("\n"),
        );
    });
}
