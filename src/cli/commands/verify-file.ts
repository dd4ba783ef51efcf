import type { Command } from "commander";
import { printJson, readInput } from "../io.js";

export function register(program: Command): void {
  program
    .command("verify-file <file>")
    .description(
      "verify a detached signature (raw, ssh SSHSIG or openpgp; detected when --format is omitted); " +
        "exit 0 only if it verifies, else SIGNATURE_INVALID",
    )
    .requiredOption("--sig <file>", "the signature file")
    .requiredOption(
      "--pub <file>",
      "public key: SPKI PEM, X.509 certificate, OpenSSH .pub, or an OpenPGP public key (armored or binary)",
    )
    .option("--format <format>", "raw | ssh | openpgp (default: detected)")
    .option("--namespace <ns>", "SSHSIG namespace the signature must be for", "file")
    .option("--json", "print the result as JSON")
    .action(
      async (
        file: string,
        o: { sig: string; pub: string; format?: string; namespace: string; json?: boolean },
      ) => {
        const { SigrunError } = await import("../../core/index.js");
        const { parseSignatureFormat, shortKeyId, verifyDetached } = await import("../../keys/index.js");
        const format = o.format === undefined ? undefined : parseSignatureFormat(o.format);
        const res = await verifyDetached(
          readInput(file, "file"),
          readInput(o.sig, "signature"),
          readInput(o.pub, "public key"),
          {
            ...(format !== undefined ? { format } : {}),
            namespace: o.namespace,
          },
        );
        const report = {
          ok: res.ok,
          format: res.format,
          keyId: res.keyId,
          shortKeyId: shortKeyId(res.keyId),
        };
        if (!res.ok)
          throw new SigrunError(
            "SIGNATURE_INVALID",
            `${o.sig}: ${res.format} signature does not verify with ${o.pub}`,
          );
        if (o.json) printJson(report);
        else process.stdout.write(`ok: ${res.format} signature by ${res.keyId}\n`);
      },
    );
}
