import { basename } from "node:path";
import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { note, printJson, readInput, writeOutput } from "../io.js";
import { registerExtract } from "./bundle-extract.js";
import { registerLint } from "./bundle-lint.js";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  const bundle = program.command("bundle").description("create, sign and inspect signed bundles (.sgb)");

  bundle
    .command("create")
    .description("build an unsigned bundle from a Rhai script, a Cedar policy and optional input files")
    .requiredOption("-s, --script <file>", "Rhai script (stored as script.rhai)")
    .requiredOption("-p, --policy <file>", "Cedar policy (stored as policy.cedar)")
    .option("-i, --input <file>", "input file, stored as inputs/<name> (repeatable)", collect, [])
    .option(
      "--target <name>",
      "host name or group:<name> allowed to run it (repeatable; none = any host)",
      collect,
      [],
    )
    .option("--expires <duration>", "validity period, e.g. 1h, 7d", "7d")
    .requiredOption("-o, --output <file>", "output .sgb file")
    .option(
      "--no-check",
      "skip the checks that the script parses and the policy parses and validates against the Rex schema",
    )
    .option("--json", "print the manifest as JSON")
    .action(
      async (o: {
        script: string;
        policy: string;
        check: boolean;
        input: string[];
        target: string[];
        expires: string;
        output: string;
        json?: boolean;
      }) => {
        const { parseDuration } = await import("../../core/index.js");
        const { createBundle, parseBundle, bundleCaps } = await import("../../bundle/index.js");
        const files = new Map<string, Uint8Array>([
          ["script.rhai", readInput(o.script, "script")],
          ["policy.cedar", readInput(o.policy, "policy")],
        ]);
        if (o.check) {
          const { checkBundleSources } = await import("../../runner/check-sources.js");
          checkBundleSources(files.get("script.rhai")!, files.get("policy.cedar")!);
        }
        for (const f of o.input) {
          const name = `inputs/${basename(f)}`;
          if (files.has(name)) throw new SigrunError("USAGE", `input ${f}: two inputs named ${basename(f)}`);
          files.set(name, readInput(f, "input"));
        }
        const bytes = createBundle({
          files,
          entry: "script.rhai",
          policy: "policy.cedar",
          targets: o.target,
          created: Date.now(),
          validForMs: parseDuration(o.expires, "--expires"),
        });
        writeOutput(o.output, bytes);
        const { manifest } = parseBundle(bytes, bundleCaps());
        if (o.json) printJson({ output: o.output, manifest });
        else
          process.stdout.write(
            `created ${o.output}: bundle ${manifest.id}, ${manifest.files.length} files, expires ${manifest.notAfter} (unsigned)\n`,
          );
      },
    );

  bundle
    .command("sign <bundle>")
    .description("add a signature to a bundle (run once per key for k-of-n)")
    .requiredOption("--key <file>", "private key file (PKCS#8, PEM, OpenSSH) or pkcs11: URI")
    .option("--passphrase-file <file>", "read the key's passphrase from a file")
    .option("--passphrase-env <var>", "read the key's passphrase from an environment variable")
    .option("--pin-file <file>", "PKCS#11 user PIN from a file")
    .option("--pin-env <var>", "PKCS#11 user PIN from an environment variable")
    .option(
      "-o, --output <file>",
      "write the signed bundle here instead of replacing the input (`-`: stdout)",
    )
    .option("-q, --quiet", "do not print the line saying what was written")
    .option(
      "--no-check",
      "skip the checks that the bundle's script parses and its policy parses and validates against the Rex schema",
    )
    .option("--json", "print the result as JSON")
    .action(
      async (
        path: string,
        o: {
          check: boolean;
          key: string;
          passphraseFile?: string;
          passphraseEnv?: string;
          pinFile?: string;
          pinEnv?: string;
          output?: string;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const { bundleCaps, parseBundle, signBundle } = await import("../../bundle/index.js");
        const bytes = readInput(path, "bundle");
        if (o.check) {
          const { checkBundleSources } = await import("../../runner/check-sources.js");
          const { manifest, files } = parseBundle(bytes, bundleCaps());
          const script = files.get(manifest.entry);
          const policy = files.get(manifest.policy);
          if (script && policy) checkBundleSources(script, policy);
        }
        const { loadCliSigner } = await import("../signer.js");
        const signer = await loadCliSigner(o);
        const signed = await signBundle(bytes, signer);
        const dest = o.output ?? path;
        writeOutput(dest, signed, { overwrite: o.output === undefined });
        const { shortKeyId } = await import("../../keys/index.js");
        if (o.json) printJson({ output: dest, keyId: signer.publicKey.keyId });
        else
          note(
            `wrote ${dest === "-" ? "the signed bundle to stdout" : dest} (signed by ${signer.publicKey.keyId}, ${shortKeyId(signer.publicKey.keyId)})`,
            o.quiet,
          );
      },
    );

  registerExtract(bundle);
  registerLint(bundle);

  bundle
    .command("inspect <bundle>")
    .description(
      "show a bundle's manifest, signers and expiry, or a classic bundle.tar.gz's files and digests (no trust decision; `-`: stdin)",
    )
    .option("--json", "print as JSON")
    .action(async (path: string, o: { json?: boolean }) => {
      const { parseBundle, bundleCaps, identifyArchive } = await import("../../bundle/index.js");
      const { shortKeyId } = await import("../../keys/index.js");
      const bytes = readInput(path, "bundle");
      const info = identifyArchive(bytes);
      if (info.kind === "classic-bundle") {
        if (o.json) {
          printJson({ form: "classic", sha256: info.sha256, files: info.members });
          return;
        }
        const lines = [
          `classic bundle (tar.gz)  sha256:${info.sha256}`,
          "no manifest: no expiry, no targets; signed as a whole with openssl (verify with --openssl-sig)",
          "files:",
          ...info.members.map((f) => `  ${f.path}  ${f.size} bytes  sha256:${f.sha256}`),
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
        return;
      }
      const p = parseBundle(bytes, bundleCaps());
      const signers = p.envelope.signatures.map((s) => s.keyid);
      if (o.json) {
        printJson({ manifest: p.manifest, signers });
        return;
      }
      const m = p.manifest;
      const lines = [
        `bundle   ${m.id} (format v${m.version})`,
        `created  ${m.created}`,
        `expires  ${m.notAfter}`,
        `targets  ${m.targets.length ? m.targets.join(", ") : "(any host)"}`,
        `entry    ${m.entry}`,
        `policy   ${m.policy}`,
        "files:",
        ...m.files.map((f) => `  ${f.path}  ${f.size} bytes  sha256:${f.sha256}`),
        `signers (${signers.length}, not verified — use sigrun verify):`,
        ...signers.map((k) => `  ${k} (${shortKeyId(k)})`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
