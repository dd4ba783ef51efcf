import type { Command } from "commander";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface SealCliOptions {
  recipient: string[];
  recipientsFile: string[];
  output?: string;
  armor?: boolean;
  passphraseFile?: string;
  passphraseEnv?: string;
  workFactor?: string;
  force?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("seal [file]")
    .description(
      "encrypt FILE (or stdin, `-`) to recipients in the age format (age-encryption.org/v1); `age -d` opens it",
    )
    .option(
      "-r, --recipient <recipient>",
      "age1… X25519 recipient, `ssh-ed25519 AAAA…` public key, or a PEM file of a sigrun X25519 key (repeatable)",
      collect,
      [],
    )
    .option(
      "-R, --recipients-file <file>",
      "file of recipients, one per line, as `age -R` (repeatable)",
      collect,
      [],
    )
    .option(
      "-o, --output <file>",
      "write here (atomically: temp file, fsync, rename); `-` or omitted: stdout",
    )
    .option("-a, --armor", "ASCII armor (PEM `AGE ENCRYPTED FILE`) instead of binary")
    .option(
      "--passphrase-file <file>",
      "seal with a passphrase (scrypt) read from this file, instead of recipients",
    )
    .option("--passphrase-env <var>", "seal with a passphrase (scrypt) read from this environment variable")
    .option("--work-factor <logN>", "scrypt work factor (log2 N) for --passphrase-*", "18")
    .option("--force", "overwrite an existing output file")
    .option("-q, --quiet", "no progress bar")
    .option("--json", "print {output, bytesIn, bytesOut, recipients} as JSON (needs -o FILE)")
    .action(async (file: string | undefined, o: SealCliOptions) => {
      const { existsSync, statSync } = await import("node:fs");
      const { createProgress, progressWanted, SigrunError, stdoutSink } = await import("../../core/index.js");
      const seal = await import("../../seal/index.js");
      const { claimStdin, printJson, readInput, readSecret } = await import("../io.js");
      if (file === undefined || file === "-") claimStdin("the input");
      const recipients = [];
      for (const r of o.recipient) {
        const isKeyText = /^(age1|ssh-)/.test(r);
        if (!isKeyText && existsSync(r))
          recipients.push(...seal.parseRecipientsFile(readInput(r, "recipient"), r));
        else recipients.push(seal.parseRecipient(r));
      }
      for (const f of o.recipientsFile)
        recipients.push(...seal.parseRecipientsFile(readInput(f, "recipients file"), f));
      const passphrase = readSecret({ file: o.passphraseFile, env: o.passphraseEnv }, "passphrase");
      if (passphrase !== undefined) {
        if (recipients.length > 0)
          throw new SigrunError(
            "USAGE",
            "seal: --passphrase-* cannot be combined with -r/-R (age forbids it)",
          );
        recipients.push(seal.scryptRecipient(passphrase, Number(o.workFactor)));
      }
      if (recipients.length === 0)
        throw new SigrunError("USAGE", "seal: give at least one -r, -R or --passphrase-*");
      const toStdout = o.output === undefined || o.output === "-";
      if (o.json && toStdout)
        throw new SigrunError("USAGE", "seal: --json needs -o FILE (stdout carries the data)");
      if (toStdout && !o.armor && process.stdout.isTTY)
        throw new SigrunError(
          "USAGE",
          "seal: refusing to write binary to a terminal; use -o FILE or --armor",
        );
      const input = file === undefined || file === "-" ? process.stdin : file;
      const total = typeof input === "string" ? statSync(input).size : undefined;
      const bar = createProgress({ label: "seal", total, enabled: progressWanted(o) });
      try {
        const res = await seal.seal(input, toStdout ? stdoutSink() : o.output!, recipients, {
          armor: o.armor === true,
          overwrite: o.force === true,
          boundedMemory: true,
          onProgress: (n) => bar.update(n),
        });
        bar.done();
        if (o.json) printJson({ output: o.output, ...res, recipients: recipients.map((r) => r.label) });
      } catch (err) {
        bar.done();
        // `… -o - | head`: the reader went away; quiet, like every verb (nothing else was being written)
        if (toStdout && (await import("../io.js")).outputClosedEarly(err)) return;
        if ((err as { cause?: { code?: unknown } }).cause?.code === "EEXIST")
          throw new SigrunError("IO_ERROR", `${o.output}: exists (--force overwrites it)`);
        throw err;
      }
    });
}
