import { appendFileSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { SigrunError } from "../core/index.js";
import { connectRelayCli, readKexPublic, relayUrl, sharedSecret } from "./commands/sign.js";
import { printJson, readInput, writeOutput } from "./io.js";

/** The flags of `sign --remote` (see sign.ts). */
export interface RemoteSignFlags {
  signerKex?: string;
  signerKey?: string;
  sharedSecretEnv?: string;
  sharedSecretFile?: string;
  relay?: string;
  relayTokenEnv?: string;
  relayTokenFile?: string;
  format: string;
  context?: string;
  joinTimeout: string;
  responseTimeout: string;
  joinFile?: string;
  provenance?: string;
  signerHint?: string;
  allOrNothing?: boolean;
  attestations?: string;
  approval?: string;
  force?: boolean;
  json?: boolean;
}

/** remote-sign flags a `--signer-hint` may name (values are paths or variable names, never secrets). */
const HINT_FLAGS = new Set([
  "--key",
  "--kex-key",
  "--shared-secret-file",
  "--shared-secret-env",
  "--policy",
  "--audit",
  "--pin-file",
  "--pin-env",
  "--passphrase-file",
  "--passphrase-env",
  "--relay-token-file",
  "--relay-token-env",
  "--oidc-issuer",
  "--max-signatures",
]);

/** Checks `--signer-hint "--key PATH --kex-key PATH"`: known remote-sign flags with plain values only. */
export function checkSignerHint(hint: string): string {
  const words = hint.trim().split(/\s+/);
  if (words.length % 2 !== 0 || words.length === 0)
    throw new SigrunError(
      "USAGE",
      '--signer-hint: expected remote-sign flags with values, e.g. "--key ~/k/release.key --kex-key ~/k/kex.key"',
    );
  for (let i = 0; i < words.length; i += 2) {
    if (!HINT_FLAGS.has(words[i]!))
      throw new SigrunError(
        "USAGE",
        `--signer-hint: ${words[i]} is not a remote-sign flag it may name (${[...HINT_FLAGS].join(", ")})`,
      );
    if (!/^[\w@%+=:,./~-]+$/.test(words[i + 1]!))
      throw new SigrunError(
        "USAGE",
        `--signer-hint: ${words[i]}: value ${JSON.stringify(words[i + 1])} must be a plain path or name`,
      );
  }
  return words.join(" ");
}

function outputPath(file: string, format: string, dir?: string): string {
  const name =
    format === "bundle" ? basename(file) : `${basename(file)}.${format === "openpgp" ? "asc" : "sig"}`;
  if (dir !== undefined) return join(dir, name);
  return format === "bundle" ? file : `${file}.${format === "openpgp" ? "asc" : "sig"}`;
}

/**
 * `sign --remote`: every local check first (files, formats, keys, provenance source, relay), then the
 * session; writes every approved and verified signature, reports the declined ones (PARTIAL_RESULT), or
 * with --all-or-nothing writes none. Ctrl-C / SIGTERM withdraw the signer's question at once.
 */
export async function signRemote(files: string[], o: RemoteSignFlags, outputDir?: string): Promise<void> {
  const { parsePublicKey } = await import("../keys/index.js");
  const s = await import("../signing/index.js");
  const { parseDuration } = await import("../core/index.js");
  if (!(s.REMOTE_FORMATS as readonly string[]).includes(o.format))
    throw new SigrunError("USAGE", `format: expected one of ${s.REMOTE_FORMATS.join(", ")}, got ${o.format}`);
  const format = o.format as (typeof s.REMOTE_FORMATS)[number];
  if (o.signerKey === undefined)
    throw new SigrunError(
      "USAGE",
      "--signer-key: required with --remote (every returned signature is verified against it)",
    );
  const secret = sharedSecret(o);
  if ((o.signerKex === undefined) === (secret === undefined))
    throw new SigrunError(
      "USAGE",
      "give exactly one of --signer-kex or --shared-secret-env/--shared-secret-file",
    );
  const hint = o.signerHint === undefined ? undefined : checkSignerHint(o.signerHint);
  const signerKey = parsePublicKey(readInput(o.signerKey, "signer key"), o.signerKey);
  const mode =
    o.signerKex !== undefined
      ? { kind: "public-key" as const, signerKex: await readKexPublic(o.signerKex) }
      : { kind: "shared-secret" as const, secret: secret! };
  const url = relayUrl(o.relay);
  const joinTimeoutMs = parseDuration(o.joinTimeout, "--join-timeout");
  const responseTimeoutMs = parseDuration(o.responseTimeout, "--response-timeout");
  const context = o.context ?? s.defaultContext(process.env);
  const items = await withEvidence(
    files.map((file) => ({ name: basename(file), data: readInput(file, "file"), format })),
    o,
  );
  if (format === "bundle")
    for (const [i, item] of items.entries()) {
      try {
        s.checkBundleForReview(item.data);
      } catch (err) {
        const why = err instanceof SigrunError ? `${err.code}: ${err.message}` : String(err);
        throw new SigrunError("BUNDLE_MALFORMED", `${files[i]}: --format bundle needs a .sgb (${why})`, {
          cause: err,
        });
      }
    }
  const provenance = o.provenance === undefined ? undefined : provenanceSource(o.provenance);
  const outs = files.map((f) => outputPath(f, format, outputDir));
  if (!o.force && format !== "bundle")
    for (const out of outs)
      if (existsSync(out))
        throw new SigrunError("IO_ERROR", `${out}: exists; refusing to overwrite (--force)`);
  const relay = await connectRelayCli(url, o.relayTokenEnv, o.relayTokenFile);
  if (relay.welcome.motd) process.stderr.write(`relay: ${relay.welcome.motd}\n`);
  const args = s.signerArgs(mode.kind, hint);
  const ac = new AbortController();
  const onSignal = (sig: string) => () => {
    process.stderr.write(`\n${sig}: withdrawing the request from the signer\n`);
    ac.abort();
    setTimeout(() => process.exit(130), 3000).unref();
  };
  const onInt = onSignal("interrupted");
  const onTerm = onSignal("terminated");
  process.once("SIGINT", onInt);
  process.once("SIGTERM", onTerm);
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await s.runInitiator({
      relay,
      relayUrl: url,
      mode,
      signerKey,
      items,
      context,
      joinTimeoutMs,
      responseTimeoutMs,
      signal: ac.signal,
      allOrNothing: o.allOrNothing === true,
      onJoinString: (j) => {
        process.stderr.write(s.joinBlock(j.line, j.pem, j.expiresAt, Date.now(), args));
        if (o.joinFile !== undefined) writeOutput(o.joinFile, j.pem, { overwrite: true });
        const summary = process.env.GITHUB_STEP_SUMMARY;
        if (summary) {
          try {
            appendFileSync(summary, s.stepSummary(j.line, j.pem, j.expiresAt, args));
          } catch {
            process.stderr.write("sigrun: warning: cannot write $GITHUB_STEP_SUMMARY\n");
          }
        }
        timer = setInterval(
          () => process.stderr.write(s.joinBlock(j.line, j.pem, j.expiresAt, Date.now(), args)),
          60_000,
        );
        timer.unref();
      },
      onJoined: (sas) => {
        if (timer) clearInterval(timer);
        process.stderr.write(
          `signer joined; keys confirmed. short authentication string: ${sas}\n` +
            "(the signer sees these words too; if theirs differ, someone is in between: press Ctrl-C)\n",
        );
      },
      onProgress: (m) => process.stderr.write(`${m}\n`),
      ...(provenance ? { provenance } : {}),
    });
    const written: { file: string; output: string }[] = [];
    result.outputs.forEach((sig, i) => {
      if (sig === undefined) return;
      writeOutput(outs[i]!, sig, { overwrite: format === "bundle" || o.force === true });
      written.push({ file: files[i]!, output: outs[i]! });
    });
    const declined = result.declined.map((d) => ({ file: files[d.index]!, code: d.code, reason: d.reason }));
    const partial = declined.length > 0;
    if (o.json)
      printJson({
        version: 1,
        ok: !partial,
        ...(partial
          ? { code: "PARTIAL_RESULT", message: `${declined.length} of ${files.length} declined` }
          : {}),
        signed: written,
        declined,
        format,
        keyId: signerKey.keyId,
        sas: result.sas,
      });
    for (const w of written) process.stderr.write(`wrote ${w.output}\n`);
    process.stderr.write(
      partial
        ? `signed ${written.length} of ${files.length}; declined: ${declined.map((d) => `${d.file} (${d.code})`).join(", ")}; ` +
            "every approved signature was written (exit 47, partial result; --all-or-nothing writes none)\n"
        : `signed ${written.length} of ${files.length}${o.allOrNothing ? " (all or nothing: all approved)" : ""}\n`,
    );
    if (partial) process.exitCode = 47;
  } catch (err) {
    if (o.allOrNothing && err instanceof SigrunError && err.code === "PEER_REJECTED")
      throw new SigrunError("PEER_REJECTED", `${err.message}; all or nothing: no signature was written`, {
        cause: err,
      });
    throw err;
  } finally {
    if (timer) clearInterval(timer);
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    await relay.close("done").catch(() => {});
  }
}

/** The provenance token source, checked now: in GitHub Actions the OIDC request variables must be set. */
/** `--attestations` + `--approval`: each item becomes a `countersign` request carrying its build evidence. */
async function withEvidence<T extends { name: string; format: string }>(
  items: T[],
  o: RemoteSignFlags,
): Promise<(T & { evidence?: Uint8Array })[]> {
  if (o.attestations === undefined && o.approval === undefined) return items;
  if (o.attestations === undefined || o.approval === undefined)
    throw new SigrunError("USAGE", "countersign requests need both --attestations and --approval");
  if (o.format === "bundle")
    throw new SigrunError("USAGE", "countersign requests: --format raw, ssh or openpgp");
  const { encodeEvidence, indexAttestations, parseAttestations } = await import("../attest/index.js");
  const approval = readInput(o.approval, "approval");
  const byName = indexAttestations(parseAttestations(readInput(o.attestations, "attestations")));
  return items.map((item) => {
    const envs = byName.get(item.name) ?? [];
    if (envs.length !== 1)
      throw new SigrunError(
        "ATTESTATION_INVALID",
        `${item.name}: expected one attestation, found ${envs.length}`,
      );
    return { ...item, evidence: encodeEvidence(approval, envs[0]!) };
  });
}

function provenanceSource(source: string): (audience: string) => Promise<string> {
  if (source !== "github") throw new SigrunError("USAGE", `--provenance: expected github, got ${source}`);
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
    throw new SigrunError(
      "USAGE",
      "--provenance github: ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are not set (the job needs `permissions: id-token: write`)",
    );
  return async (audience) => (await import("../signing/index.js")).githubActionsToken(audience);
}
