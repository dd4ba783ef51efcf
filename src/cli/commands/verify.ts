import type { Command } from "commander";
import type { ByteSource } from "../../bundle/tar-scan.js";
import type { VerifiedBundleSummary } from "../../bundle/verify.js";
import { openInput, printJson, readInput, trustPaths } from "../io.js";

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
        const { parseTime } = await import("../../core/duration.js");
        const { SigrunError } = await import("../../core/errors.js");
        // single modules, not the bundle and keys barrels: start-up is most of a small bundle's verify
        const { loadTrustStore } = await import("../../bundle/trust-store.js");
        const { localHostId, verifySubmission } = await import("../../bundle/verify-submission.js");
        const { verifyBundleSource } = await import("../../bundle/verify.js");
        const { shortKeyId } = await import("../../keys/key-id.js");
        if (o.threshold !== undefined && !/^[1-9]\d{0,2}$/.test(o.threshold)) {
          throw new SigrunError("USAGE", `--threshold: expected a positive integer, got ${o.threshold}`);
        }
        if (o.anyHost && o.host !== undefined)
          throw new SigrunError("USAGE", "give either --host or --any-host, not both");
        const trust = loadTrustStore(trustPaths(o.trust, "verify"));
        // after the bundle is read, as before (a bad --now with a missing bundle is still IO_ERROR)
        const opts = () => ({
          trust,
          threshold: o.threshold === undefined ? undefined : Number(o.threshold),
          host: o.anyHost ? undefined : (o.host ?? localHostId()),
          groups: o.group,
          now: o.now === undefined ? undefined : parseTime(o.now, "--now"),
        });
        // a .sgb in a regular file is read once in chunks, hashing as it is read (never held whole in
        // memory); stdin, pipes, and classic tar.gz bundles (gunzipped in memory) are read whole
        const input = o.opensslSig === undefined ? openInput(path, "bundle") : readInput(path, "bundle");
        let v: VerifiedBundleSummary | undefined;
        let whole = input instanceof Uint8Array ? input : undefined;
        if (!(input instanceof Uint8Array)) {
          try {
            if (isGzip(input)) whole = readInput(path, "bundle");
            else v = verifyBundleSource(input, opts());
          } finally {
            input.close();
          }
        }
        if (v === undefined) {
          const bytes = whole!;
          const classic = isGzip(bytes);
          const { classicSignaturePath } = classic ? await import("./bundle-extract.js") : {};
          const sigPath = classicSignaturePath ? classicSignaturePath(path, o.opensslSig) : o.opensslSig;
          if (classic && sigPath === undefined)
            throw new SigrunError(
              "USAGE",
              `${path}: a classic tar.gz bundle: give its signature with --openssl-sig FILE`,
            );
          const sig = sigPath === undefined ? undefined : readInput(sigPath, "signature");
          v = verifySubmission(bytes, sig, opts());
        }
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

/** A classic bundle is gzip (`1f 8b`); a `.sgb` is a tar, whose first byte is a name's. */
function isGzip(input: Uint8Array | ByteSource): boolean {
  const head = input instanceof Uint8Array ? input : readHead(input);
  return head[0] === 0x1f && head[1] === 0x8b;
}

function readHead(src: ByteSource): Uint8Array {
  const head = new Uint8Array(2);
  let got = 0;
  while (got < 2 && got < src.size) {
    const n = src.read(head.subarray(got), got);
    if (n === 0) break;
    got += n;
  }
  return head.subarray(0, got);
}
