import type { Command } from "commander";
import { printJson, readInput } from "../io.js";

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
      "signatures by distinct trusted keys required (default: trust store's, else 1)",
    )
    .option("--host <name>", "this host's name, checked against the bundle's targets")
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
          group: string[];
          now?: string;
          opensslSig?: string;
          json?: boolean;
        },
      ) => {
        const { parseTime, SigrunError } = await import("../../core/index.js");
        const { loadTrustStore, verifyBundle, verifyOpensslBundle } = await import("../../bundle/index.js");
        const { shortKeyId } = await import("../../keys/index.js");
        if (o.threshold !== undefined && !/^[1-9]\d{0,2}$/.test(o.threshold)) {
          throw new SigrunError("USAGE", `--threshold: expected a positive integer, got ${o.threshold}`);
        }
        const trust = loadTrustStore(o.trust);
        const bytes = readInput(path, "bundle");
        const { classicSignaturePath } = await import("./bundle-extract.js");
        const classic = bytes[0] === 0x1f && bytes[1] === 0x8b;
        const sig = classic ? classicSignaturePath(path, o.opensslSig) : o.opensslSig;
        if (classic && sig === undefined)
          throw new SigrunError(
            "USAGE",
            `${path}: a classic tar.gz bundle: give its signature with --openssl-sig FILE`,
          );
        const v =
          sig !== undefined
            ? verifyOpensslBundle(bytes, readInput(sig, "signature"), {
                trust: o.threshold ? { ...trust, threshold: Number(o.threshold) } : trust,
              })
            : verifyBundle(bytes, {
                trust,
                threshold: o.threshold === undefined ? undefined : Number(o.threshold),
                host: o.host,
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
