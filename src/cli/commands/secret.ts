import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { printJson, writeOutput } from "../io.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"; // RFC 4648 base32, lower case

/** A random secret of `bits` bits (≥ 128) as lower-case base32 in dash-separated groups of 4. */
export function newSecret(bits = 160): string {
  if (!Number.isInteger(bits) || bits < 128 || bits > 1024 || bits % 8 !== 0)
    throw new SigrunError("USAGE", `--bits: expected a multiple of 8 between 128 and 1024, got ${bits}`);
  const bytes = randomBytes(bits / 8);
  let acc = 0;
  let n = 0;
  let out = "";
  for (const b of bytes) {
    acc = (acc << 8) | b;
    n += 8;
    while (n >= 5) {
      out += ALPHABET[(acc >>> (n - 5)) & 31];
      n -= 5;
    }
    acc &= (1 << n) - 1;
  }
  if (n > 0) out += ALPHABET[(acc << (5 - n)) & 31];
  return out.match(/.{1,4}/g)!.join("-");
}

export function register(program: Command): void {
  const secret = program
    .command("secret")
    .description("shared secrets for `sign --remote` in shared-secret mode");
  secret
    .command("new")
    .description(
      "generate a random shared secret (default 160 bits); pass it with --shared-secret-env/-file, never on argv",
    )
    .option("-o, --output <file>", "write the secret to this file (mode 0600) instead of stdout")
    .option("--bits <n>", "entropy in bits (multiple of 8, at least 128)", "160")
    .option("--force", "overwrite an existing output file")
    .option("--json", "print {secret, bits} as json")
    .action((o: { output?: string; bits: string; force?: boolean; json?: boolean }) => {
      const bits = Number(o.bits);
      const s = newSecret(bits);
      if (o.output !== undefined) {
        writeOutput(o.output, `${s}\n`, { mode: 0o600, overwrite: o.force === true });
        if (o.json) printJson({ output: o.output, bits });
        return;
      }
      if (o.json) printJson({ secret: s, bits });
      else process.stdout.write(`${s}\n`);
    });
}
