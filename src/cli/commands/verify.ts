import type { Command } from "commander";
import { printJson, readInput, trustPaths } from "../io.js";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  program
    .command("verify <bundle>")
    .description(
      "verify a signed bundle (.sgb), or a classic bundle.tar.gz with --openssl-sig; exit 0 only if it may run, " +
        "else a distinct exit code and a one-line reason (BUNDLE_MALFORMED, DIGEST_MISMATCH, SIGNATURE_INVALID, " +
        "SIGNER_UNTRUSTED, SIGNER_REVOKED, THRESHOLD_NOT_MET, EXPIRED, NOT_YET_VALID, WRONG_TARGET, UNSUPPORTED_VERSION)",
    )
    .requiredOption(
      "--trust <dir|file>",
      "trusted public keys: a directory or key files (repeatable)",
      collect,
      [],
    )
    .option(
      "--threshold <k>",
      "signatures by distinct trusted keys required (at least the trust store's; default: the store's, else 1)",
    )
    .option(
      "--host <name>",
      "this host's id, checked against the bundle's targets (default: the short hostname, as the agent)",
    )
    .option("--any-host", "skip the target check")
    .option("--group <name>", "a group this host belongs to (repeatable)", collect, [])
    .option("--now <time>", "verify as of this time (RFC 3339 or @unix-seconds)")
    .option(
      "--openssl-sig <file>",
      "the bundle is a tar.gz signed with `openssl dgst -sha256 -sign`; this is the signature (default: X.sig beside X.tar.gz)",
    )
    .option("--json", "print the result as JSON")
    .action(
      async (
        path: string,
        o: {
          trust: string[];
          threshold?: string;
          host?: string;
          anyHost?: boolean;
          group: string[];
          now?: string;
          opensslSig?: string;
          json?: boolean;
        },
      ) => {
        const { parseTime, SigrunError } = await import("../../core/index.js");
        const { loadTrustStore, localHostId, verifySubmission } = await import("../../bundle/index.js");
        const { shortKeyId } = await import("../../keys/index.js");
        if (o.threshold !== undefined && !/^[1-9]\d{0,2}$/.test(o.threshold)) {
          throw new SigrunError("USAGE", `--threshold: expected a positive integer, got ${o.threshold}`);
        }
        if (o.anyHost && o.host !== undefined)
          throw new SigrunError("USAGE", "give either --host or --any-host, not both");
        const trust = loadTrustStore(trustPaths(o.trust, "verify"));
        const bytes = readInput(path, "bundle");
        const { classicSignaturePath } = await import("./bundle-extract.js");
        const classic = bytes[0] === 0x1f && bytes[1] === 0x8b;
        const sigPath = classic ? classicSignaturePath(path, o.opensslSig) : o.opensslSig;
        if (classic && sigPath === undefined)
          throw new SigrunError(
            "USAGE",
            `${path}: a classic tar.gz bundle: give its signature with --openssl-sig FILE`,
          );
        const sig = sigPath === undefined ? undefined : readInput(sigPath, "signature");
        const v = verifySubmission(bytes, sig, {
          trust,
          threshold: o.threshold === undefined ? undefined : Number(o.threshold),
          host: o.anyHost ? undefined : (o.host ?? localHostId()),
          groups: o.group,
          now: o.now === undefined ? undefined : parseTime(o.now, "--now"),
        });
        if (o.json) {
          printJson({
            ok: true,
            form: v.form,
            id: v.manifest.id,
            manifestDigest: `sha256:${v.manifestDigest}`,
            notAfter: v.form === "sgb" ? v.manifest.notAfter : null,
            targets: v.manifest.targets,
            signers: v.signers,
            files: v.manifest.files,
          });
          return;
        }
        const who = v.signers.map((s) => shortKeyId(s.keyId)).join(", ");
        const until = v.form === "sgb" ? `, valid until ${v.manifest.notAfter}` : "";
        process.stdout.write(
          `OK: bundle ${v.manifest.id} (${v.manifest.files.length} files) signed by ${who}${until}\n`,
        );
      },
    );
}
