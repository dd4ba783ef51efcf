import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { note, outputDir, printJson, readInput, readSecret, writeOutput } from "../io.js";
import type { RemoteSignFlags } from "../remote-initiator.js";
import { addKeyOptions, type KeyOptions, openSigner, warnIfClassicBundle } from "./sign-file.js";

/**
 * Helpers shared by `sign --remote` and `remote-sign` (secrets from files or env only; relay
 * connection failures mapped to RELAY_UNAVAILABLE so scripts can branch on the exit code).
 */
export async function connectRelayCli(url: string, tokenEnv?: string, tokenFile?: string) {
  const { connectRelay } = await import("../../signing/relay-client.js");
  const token = readSecret({ env: tokenEnv, file: tokenFile }, "relay token");
  try {
    return await connectRelay(url, { timeoutMs: 10_000, ...(token !== undefined ? { token } : {}) });
  } catch (err) {
    if (err instanceof SigrunError && err.code === "TIMEOUT")
      throw new SigrunError("RELAY_UNAVAILABLE", `relay ${url}: no connection within 10 s`, { cause: err });
    throw err;
  }
}

/** A shared secret from --shared-secret-env / --shared-secret-file; at least 8 bytes. */
export function sharedSecret(o: {
  sharedSecretEnv?: string;
  sharedSecretFile?: string;
}): Uint8Array | undefined {
  const s = readSecret({ env: o.sharedSecretEnv, file: o.sharedSecretFile }, "shared secret");
  if (s === undefined) return undefined;
  const b = new TextEncoder().encode(s.trim());
  if (b.byteLength < 8)
    throw new SigrunError("USAGE", "shared secret: expected at least 8 bytes (use `sigrun secret new`)");
  return b;
}

/** Reads an X25519 public key file (SPKI PEM or DER) and returns the raw 32 bytes. */
export async function readKexPublic(path: string): Promise<Uint8Array> {
  const { parseKexPublicKey } = await import("../../session/index.js");
  return parseKexPublicKey(readInput(path, "signer key agreement key"), path);
}

export function relayUrl(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = option ?? env.SIGRUN_RELAY;
  if (!url) throw new SigrunError("USAGE", "relay: give --relay URL or set SIGRUN_RELAY");
  if (!/^wss?:\/\//.test(url))
    throw new SigrunError("USAGE", `relay: expected a ws:// or wss:// url, got ${url}`);
  return url;
}

/** Local signing flags plus those of `sign --remote` (one list: src/cli/remote-initiator.ts). */
interface SignCliOptions extends KeyOptions, RemoteSignFlags {
  remote?: boolean;
  key?: string;
  output?: string;
  quiet?: boolean;
}

function outputPath(file: string, format: string, dir?: string): string {
  const name =
    format === "bundle" ? basename(file) : `${basename(file)}.${format === "openpgp" ? "asc" : "sig"}`;
  if (dir !== undefined) return join(dir, name);
  return format === "bundle" ? file : `${file}.${format === "openpgp" ? "asc" : "sig"}`;
}

async function signLocal(files: string[], o: SignCliOptions): Promise<void> {
  const { parseSignatureFormat, signFile } = await import("../../keys/index.js");
  if (o.format === "bundle") throw new SigrunError("USAGE", "local bundle signing: use `sigrun bundle sign`");
  const format = parseSignatureFormat(o.format);
  // `-o -`: one signature to stdout (as sign-file); stdin (`-`) has no name to put a signature beside
  const toStdout = o.output === "-";
  if (toStdout && files.length !== 1)
    throw new SigrunError("USAGE", "-o -: stdout takes one signature; give one file, or -o DIR");
  if (toStdout && o.json)
    throw new SigrunError("USAGE", "--json: give -o DIR (stdout carries the signature)");
  if (!toStdout && files.includes("-"))
    throw new SigrunError("USAGE", "sign -: give -o - for the signature on stdout (stdin has no file name)");
  const signer = await openSigner(o.key!, o);
  const done: { file: string; output: string }[] = [];
  if (o.output !== undefined && !toStdout) makeOutputDir(o.output);
  try {
    for (const file of files) {
      const data = readInput(file, "file");
      if (format === "raw") await warnIfClassicBundle(data, file);
      const sig = await signFile(signer, data, format);
      const out = toStdout ? "-" : outputPath(file, format, o.output);
      writeOutput(out, sig, { overwrite: o.force === true });
      done.push({ file, output: out });
    }
  } finally {
    await signer.close();
  }
  if (o.json) printJson({ signed: done, format, keyId: signer.publicKey.keyId });
  else
    note(
      `signed ${done.length} file${done.length === 1 ? "" : "s"} (${format}, ${signer.publicKey.keyId}): wrote ${toStdout ? "the signature to stdout" : done.map((d) => d.output).join(", ")}`,
      o.quiet,
    );
}

/** `-o DIR`: the directory is created when missing. */
function makeOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `-o ${dir}: cannot create directory: ${(err as NodeJS.ErrnoException).code}`,
      {
        cause: err,
      },
    );
  }
}

export function register(program: Command): void {
  const cmd = program
    .command("sign <files...>")
    .description(
      "sign files locally (--key) or through a remote signer (--remote): the signer reviews every request, the result is verified against --signer-key before anything is written",
    )
    .option("--remote", "ask a remote signer through a relay (see `sigrun remote-sign`)")
    .option("--key <key>", "local signing: private key file or pkcs11: URI")
    .option("--signer-kex <file>", "remote, public-key mode: the signer's x25519 key agreement public key")
    .option(
      "--shared-secret-env <var>",
      "remote, shared-secret mode: read the secret from this environment variable",
    )
    .option("--shared-secret-file <file>", "remote, shared-secret mode: read the secret from this file")
    .option(
      "--signer-key <file>",
      "remote: the signer's public signing key; every signature must verify against it",
    )
    .option("--relay <url>", "relay url (ws:// or wss://; default $SIGRUN_RELAY)")
    .option("--relay-token-env <var>", "access token of a private relay, from this environment variable")
    .option("--relay-token-file <file>", "access token of a private relay, from this file")
    .option("--format <format>", "raw | ssh | openpgp | bundle (remote only)", "raw")
    .option(
      "--context <text>",
      "one line shown to the signer (default: repository, run id and commit from GitHub Actions)",
    )
    .option("--join-timeout <duration>", "how long to wait for the signer to join", "15m")
    .option(
      "--response-timeout <duration>",
      "how long to wait for each signature (the signer reviews it)",
      "10m",
    )
    .option("--join-file <file>", "also write the join string (PEM) to this file")
    .option(
      "--signer-hint <flags>",
      'remote: the signer\'s remote-sign flags for the printed join command, e.g. "--key ~/k/release.key --kex-key ~/k/kex.key" (paths, never secrets)',
    )
    .option(
      "--attestations <file>",
      "remote countersign: the build's attestations (sigrun attest); the signer verifies them (with --approval)",
    )
    .option("--approval <file>", "remote countersign: the build's approval record (sigrun build-key new)")
    .option("--all-or-nothing", "remote: if the signer declines any file, write no signature at all")
    .option(
      "--provenance <source>",
      "send a CI OIDC token bound to this session (github: GitHub Actions, needs id-token: write)",
    )
    .option(
      "-o, --output <dir>",
      "write signatures into this directory, created if missing (default: beside each file); `-`: one file's signature to stdout (local)",
    )
    .option("-q, --quiet", "local signing: do not print the line saying what was written")
    .option("--force", "overwrite existing signature files")
    .option("--json", "print a json summary on stdout");
  addKeyOptions(cmd).action(async (files: string[], o: SignCliOptions) => {
    if (o.remote) {
      if (o.key !== undefined)
        throw new SigrunError("USAGE", "--key is for local signing; --remote uses the signer's key");
      if (files.includes("-"))
        throw new SigrunError(
          "USAGE",
          "sign --remote -: the signer reviews each file under its name and stdin has none; save it to a file first",
        );
      if (o.output !== undefined) makeOutputDir(outputDir(o.output));
      const { signRemote } = await import("../remote-initiator.js");
      await signRemote(files, o, o.output);
      return;
    }
    if (o.key === undefined) throw new SigrunError("USAGE", "give --key for local signing or --remote");
    await signLocal(files, o);
  });
}
