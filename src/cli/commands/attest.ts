import { hostname } from "node:os";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { namedInputs, outputDir, printJson, readInput, readSecret, writeOutput } from "../io.js";

interface AttestCliOptions {
  buildKeyEnv?: string;
  buildKeyFile?: string;
  nonceEnv?: string;
  output: string;
  gpgSigs?: string;
  builderId?: string;
  build?: string;
  force?: boolean;
  json?: boolean;
}

/** The builder id: --builder-id, else the GitHub Actions run URL, else `host:<hostname>`. */
export function defaultBuilderId(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID)
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  return `host:${hostname()}`;
}

export function register(program: Command): void {
  program
    .command("attest <files...>")
    .description(
      "on the build host: one in-toto statement per artifact (name, sha256, build id, builder, time) in a DSSE " +
        "envelope signed by the build key, or HMAC-SHA256'ed with the build nonce; JSON lines",
    )
    .option(
      "--build-key-env <var>",
      "read the build key (sigrun build-key new --print-env) from this environment variable",
    )
    .option("--build-key-file <file>", "read the build key from this file (build.key)")
    .option("--nonce-env <var>", "MAC variant: read the build nonce from this environment variable")
    .option("-o, --output <file>", "attestations file (JSON lines); `-` for stdout", "-")
    .option(
      "--gpg-sigs <dir>",
      "also write DIR/<name>.asc, a detached OpenPGP signature by the build key (for gpgv)",
    )
    .option("--builder-id <id>", "who built (default: the GitHub Actions run url, else host:<hostname>)")
    .option("--build <id>", "refuse unless the build secret is for this build id")
    .option("--force", "overwrite existing output files")
    .option("--json", "print a json summary on stdout (needs -o FILE)")
    .action(async (files: string[], o: AttestCliOptions) => {
      const { attestArtifacts, buildKeyGpgSignature, encodeAttestations, parseBuildSecret } = await import(
        "../../attest/index.js"
      );
      namedInputs(files, "attest");
      if (o.gpgSigs !== undefined) outputDir(o.gpgSigs, "--gpg-sigs");
      const given = [o.buildKeyEnv, o.buildKeyFile, o.nonceEnv].filter((x) => x !== undefined).length;
      if (given !== 1)
        throw new SigrunError("USAGE", "give exactly one of --build-key-env, --build-key-file, --nonce-env");
      if (o.json && o.output === "-")
        throw new SigrunError("USAGE", "--json: give -o FILE (stdout carries the attestations)");
      const text =
        o.nonceEnv !== undefined
          ? readSecret({ env: o.nonceEnv }, "build nonce")!
          : readSecret({ env: o.buildKeyEnv, file: o.buildKeyFile }, "build key")!;
      const secret = parseBuildSecret(text, o.nonceEnv !== undefined ? "mac" : "key");
      if (o.build !== undefined && o.build !== secret.build)
        throw new SigrunError("USAGE", `--build ${o.build}: the build secret is for build ${secret.build}`);
      if (o.gpgSigs !== undefined && secret.variant !== "key")
        throw new SigrunError("USAGE", "--gpg-sigs: needs a build key, not a MAC nonce");
      const artifacts = files.map((f) => ({ name: basename(f), data: readInput(f, "artifact") }));
      const now = new Date();
      const envs = await attestArtifacts(artifacts, secret, {
        builderId: o.builderId ?? defaultBuilderId(),
        now,
      });
      const sigs: { file: string; sig: string }[] = [];
      if (o.gpgSigs !== undefined) {
        const { mkdirSync } = await import("node:fs");
        mkdirSync(o.gpgSigs, { recursive: true });
        for (const a of artifacts)
          sigs.push({
            file: join(o.gpgSigs, `${a.name}.asc`),
            sig: await buildKeyGpgSignature(secret, a.data, now),
          });
      }
      const out = encodeAttestations(envs);
      for (const s of sigs) writeOutput(s.file, s.sig, { overwrite: o.force === true });
      if (o.output === "-") process.stdout.write(out);
      else writeOutput(o.output, out, { overwrite: o.force === true });
      if (o.json)
        printJson({
          build: secret.build,
          variant: secret.variant,
          keyId: secret.variant === "key" ? secret.signer.publicKey.keyId : secret.keyId,
          attestations: o.output,
          artifacts: artifacts.map((a, i) => ({ name: a.name, gpgSignature: sigs[i]?.file ?? null })),
        });
      else if (o.output !== "-")
        process.stderr.write(
          `attested ${artifacts.length} artifact(s) of build ${secret.build} → ${o.output}\n`,
        );
    });
}
