import type { Command } from "commander";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface UnsealCliOptions {
  identity: string[];
  output?: string;
  buffer?: boolean;
  passphraseFile?: string;
  passphraseEnv?: string;
  force?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("unseal [file]")
    .description(
      "decrypt an age file (binary or armored) from FILE or stdin (`-`); nothing is kept unless every chunk verifies",
    )
    .option(
      "-i, --identity <file>",
      "identity file: age keys (AGE-SECRET-KEY-1…), a sigrun X25519 private key, or an OpenSSH ed25519 key (repeatable)",
      collect,
      [],
    )
    .option(
      "-o, --output <file>",
      "write here, created only after the whole file verified (temp file, fsync, rename); `-` or omitted: stdout",
    )
    .option(
      "--buffer",
      "with stdout: write nothing until the whole file verified (copies the ciphertext to a private temp file, reads it twice)",
    )
    .option(
      "--passphrase-file <file>",
      "passphrase for a passphrase-sealed file, or for an encrypted identity key",
    )
    .option("--passphrase-env <var>", "the same, from an environment variable")
    .option("--force", "overwrite an existing output file")
    .option("-q, --quiet", "no progress bar")
    .option("--json", "print {output, bytesIn, bytesOut} as JSON (needs -o FILE)")
    .action(async (file: string | undefined, o: UnsealCliOptions) => {
      const { statSync } = await import("node:fs");
      const { createProgress, progressWanted, SigrunError, stdoutSink } = await import("../../core/index.js");
      const seal = await import("../../seal/index.js");
      const { claimStdin, printJson, readInput, readSecret } = await import("../io.js");
      if (file === undefined || file === "-") claimStdin("the input");
      const passphrase = readSecret({ file: o.passphraseFile, env: o.passphraseEnv }, "passphrase");
      const identities = [];
      for (const f of o.identity)
        identities.push(...seal.parseIdentityFile(readInput(f, "identity file"), f, passphrase));
      if (passphrase !== undefined) identities.push(seal.scryptIdentity(passphrase));
      if (identities.length === 0)
        throw new SigrunError("USAGE", "unseal: give at least one -i IDENTITY_FILE");
      const toStdout = o.output === undefined || o.output === "-";
      if (o.json && toStdout)
        throw new SigrunError("USAGE", "unseal: --json needs -o FILE (stdout carries the data)");
      const input = file === undefined || file === "-" ? process.stdin : file;
      const total = typeof input === "string" ? statSync(input).size : undefined;
      const bar = createProgress({ label: "unseal", total, enabled: progressWanted(o) });
      try {
        const res = await seal.unseal(input, toStdout ? stdoutSink() : o.output!, identities, {
          overwrite: o.force === true,
          boundedMemory: true,
          verifyFirst: o.buffer === true,
          onProgress: (n) => bar.update(n),
        });
        bar.done();
        if (o.json) printJson({ output: o.output, ...res });
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
