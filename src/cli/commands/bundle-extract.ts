import { existsSync } from "node:fs";
import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { note, outputDir, printJson, readInput, trustPaths } from "../io.js";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** The signature of a classic `X.tar.gz`: `--openssl-sig`, else `X.sig` or `X.tar.gz.sig` beside it. */
export function classicSignaturePath(path: string, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  if (path === "-") return undefined;
  const stem = path.replace(/\.(tar\.gz|tgz)$/, "");
  return [`${stem}.sig`, `${path}.sig`].find((p) => p !== path && existsSync(p));
}

export function registerExtract(bundle: Command): void {
  bundle
    .command("extract <bundle>")
    .description(
      "write a bundle's files into a new directory, only after it verifies against --trust (or with --unverified); " +
        "all or nothing, never outside the directory",
    )
    .requiredOption("-o, --output <dir>", "directory to create (must not exist, or be empty)")
    .option(
      "--trust <dir|file>",
      "trusted public keys (repeatable; default from the config file)",
      collect,
      [],
    )
    .option(
      "--openssl-sig <file>",
      "classic tar.gz form: its openssl signature (default X.sig beside X.tar.gz)",
    )
    .option("--unverified", "extract without verifying (inspection only: nothing says who made these files)")
    .option("-q, --quiet", "do not print the line saying what was written")
    .option("--json", "print the result as JSON")
    .action(
      async (
        path: string,
        o: {
          output: string;
          trust: string[];
          opensslSig?: string;
          unverified?: boolean;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const b = await import("../../bundle/index.js");
        const { writeTree } = await import("../tree-output.js");
        outputDir(o.output);
        const bytes = readInput(path, "bundle");
        const info = b.identifyArchive(bytes);
        let files: ReadonlyMap<string, Uint8Array>;
        let signers: string[] = [];
        if (o.unverified) {
          if (o.trust.length > 0) throw new SigrunError("USAGE", "give --trust or --unverified, not both");
          if (info.kind === "sgb") files = checked(info.parsed, b.sha256Hex);
          else if (info.kind === "classic-bundle") files = info.files;
          else
            throw new SigrunError(
              "BUNDLE_MALFORMED",
              `${path}: not a sigrun bundle (.sgb or classic tar.gz)`,
            );
        } else {
          if (o.trust.length === 0)
            throw new SigrunError(
              "USAGE",
              "extract: give --trust to verify first (or --unverified to skip it)",
            );
          const trust = b.loadTrustStore(trustPaths(o.trust, "extract"));
          const sig = info.kind === "classic-bundle" ? classicSignaturePath(path, o.opensslSig) : undefined;
          if (info.kind === "classic-bundle" && sig === undefined)
            throw new SigrunError(
              "USAGE",
              `${path}: a classic tar.gz bundle: give its signature with --openssl-sig`,
            );
          // the one verification entry point (same trust parameters as verify, run and the agent);
          // extracting runs nothing, so no target check
          const v = b.verifySubmission(bytes, sig === undefined ? undefined : readInput(sig, "signature"), {
            trust,
          });
          files = v.files;
          signers = v.signers.map((s) => s.keyId);
        }
        writeTree(o.output, files);
        const result = { output: o.output, files: [...files.keys()], verified: !o.unverified, signers };
        if (o.json) printJson(result);
        else
          note(
            `extracted ${files.size} files to ${o.output} (${o.unverified ? "UNVERIFIED" : `verified, signed by ${signers.join(", ")}`})`,
            o.quiet,
          );
      },
    );
}

/** An unverified .sgb's files, still checked against the manifest's digests. */
function checked(
  parsed: import("../../bundle/index.js").ParsedBundle,
  sha256Hex: (d: Uint8Array) => string,
): ReadonlyMap<string, Uint8Array> {
  for (const f of parsed.manifest.files) {
    const data = parsed.files.get(f.path)!;
    if (sha256Hex(data) !== f.sha256)
      throw new SigrunError("DIGEST_MISMATCH", `${f.path}: content does not match the manifest`);
  }
  return parsed.files;
}
