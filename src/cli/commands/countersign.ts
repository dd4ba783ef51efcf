import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { type ErrorCode, SigrunError } from "../../core/index.js";
import { auditLogPath } from "../audit-sink.js";
import { namedInputs, outputDir, printJson, readInput, readSecret, writeOutput } from "../io.js";
import { addKeyOptions, type KeyOptions, openSigner } from "./sign-file.js";

interface CountersignCliOptions extends KeyOptions {
  attestations: string;
  approval: string;
  approverPub: string;
  key?: string;
  format?: string;
  output?: string;
  nonceEnv?: string;
  buildPub?: string;
  namespace: string;
  audit?: string;
  verify?: boolean;
  pub?: string;
  force?: boolean;
  json?: boolean;
}

async function loadCommon(files: string[], o: CountersignCliOptions) {
  const { parseAttestations, parseBuildSecret } = await import("../../attest/index.js");
  const { parsePublicKey, parseSignatureFormat } = await import("../../keys/index.js");
  namedInputs(files, "countersign");
  if (o.output !== undefined) outputDir(o.output);
  const names = files.map((f) => basename(f));
  const nonceText = o.nonceEnv !== undefined ? readSecret({ env: o.nonceEnv }, "build nonce") : undefined;
  return {
    artifacts: files.map((f, i) => ({ name: names[i]!, data: readInput(f, "artifact") })),
    attestations: parseAttestations(readInput(o.attestations, "attestations")),
    approval: readInput(o.approval, "approval"),
    approverPub: parsePublicKey(readInput(o.approverPub, "approver public key"), o.approverPub),
    format: o.format === undefined ? undefined : parseSignatureFormat(o.format),
    ...(nonceText !== undefined ? { nonce: parseBuildSecret(nonceText, "mac") } : {}),
  };
}

/** Where the release signature of `file` lives: DIR/<name>.sig with -o DIR, else beside the file. */
function sigPath(file: string, dir: string | undefined): string {
  return join(dir ?? dirname(file), `${basename(file)}.sig`);
}

function failIfRefused(refused: { code?: ErrorCode; name: string }[], total: number, what: string): void {
  if (refused.length === 0) return;
  throw new SigrunError(
    refused[0]!.code ?? "ATTESTATION_INVALID",
    `${what}: ${refused.length} of ${total} artifact(s) failed: ${refused.map((r) => r.name).join(", ")}`,
  );
}

async function runVerify(files: string[], o: CountersignCliOptions): Promise<void> {
  const { verifyPublishedSet } = await import("../../attest/index.js");
  if (o.pub === undefined) throw new SigrunError("USAGE", "--verify: give --pub (the release public key)");
  if (o.key !== undefined)
    throw new SigrunError("USAGE", "--verify checks signatures: give --pub, not --key");
  const c = await loadCommon(files, o);
  const res = await verifyPublishedSet({
    approval: c.approval,
    approverPub: c.approverPub,
    attestations: c.attestations,
    artifacts: c.artifacts.map((a, i) => {
      // H's countersign writes <name>.sig; `sign --remote --format openpgp` writes <name>.asc.
      const p = [sigPath(files[i]!, o.output), sigPath(files[i]!, o.output).replace(/\.sig$/, ".asc")].find(
        existsSync,
      );
      return { ...a, signature: p !== undefined ? readInput(p, "signature") : undefined };
    }),
    releasePub: readInput(o.pub, "release public key"),
    ...(c.format ? { format: c.format } : {}),
    namespace: o.namespace,
    ...(c.nonce ? { nonce: c.nonce } : {}),
  });
  if (o.json) printJson({ ok: res.results.every((r) => r.ok), ...res });
  else
    for (const r of res.results)
      process.stdout.write(
        r.ok
          ? `ok: ${r.name} ${r.sha256} (${r.reason}${r.attestation === "digest-only" ? "; MAC not checked: no --nonce-env" : ""})\n`
          : `FAIL: ${r.name}: ${r.code}: ${r.reason}\n`,
      );
  failIfRefused(
    res.results.filter((r) => !r.ok),
    res.results.length,
    "countersign --verify",
  );
}

async function runCountersign(files: string[], o: CountersignCliOptions): Promise<void> {
  const { countersign } = await import("../../attest/index.js");
  const { parsePublicKey } = await import("../../keys/index.js");
  const { openAuditSink } = await import("../audit-sink.js");
  if (o.key === undefined) throw new SigrunError("USAGE", "--key: required (the release key), or --verify");
  if (o.format === undefined) throw new SigrunError("USAGE", "--format: required (openpgp, ssh or raw)");
  if (o.output === undefined)
    throw new SigrunError("USAGE", "-o DIR: required (signatures are written to DIR/<name>.sig)");
  if (o.pub !== undefined) throw new SigrunError("USAGE", "--pub is for --verify");
  const c = await loadCommon(files, o);
  const outs = files.map((f) => sigPath(f, o.output));
  if (!o.force)
    for (const p of outs)
      if (existsSync(p)) throw new SigrunError("IO_ERROR", `${p}: exists; refusing to overwrite (--force)`);
  const buildPub =
    o.buildPub !== undefined
      ? parsePublicKey(readInput(o.buildPub, "build public key"), o.buildPub)
      : undefined;
  const signer = await openSigner(o.key, o);
  const audit = await openAuditSink(auditLogPath(o.audit));
  let report: Awaited<ReturnType<typeof countersign>>;
  try {
    report = await countersign({
      approval: c.approval,
      approverPub: c.approverPub,
      attestations: c.attestations,
      artifacts: c.artifacts,
      signer,
      format: c.format!,
      audit,
      namespace: o.namespace,
      now: new Date(),
      ...(c.nonce ? { nonce: c.nonce } : {}),
      ...(buildPub ? { buildPub } : {}),
    });
  } finally {
    await audit.close();
    await signer.close();
  }
  mkdirSync(o.output, { recursive: true });
  report.decisions.forEach((d, i) => {
    if (d.signature) writeOutput(outs[i]!, d.signature, { overwrite: o.force === true });
  });
  if (o.json)
    printJson({
      build: report.build,
      variant: report.variant,
      approver: report.approver,
      releaseKey: signer.publicKey.keyId,
      format: c.format,
      auditLog: audit.path,
      artifacts: report.decisions.map((d, i) => ({
        name: d.name,
        sha256: d.sha256,
        decision: d.decision,
        ...(d.code ? { code: d.code } : {}),
        reason: d.reason,
        signature: d.signature ? outs[i] : null,
      })),
    });
  else
    for (const [i, d] of report.decisions.entries())
      process.stderr.write(
        d.decision === "sign"
          ? `signed ${d.name} → ${outs[i]}\n`
          : `REFUSED ${d.name}: ${d.code}: ${d.reason}\n`,
      );
  failIfRefused(
    report.decisions.filter((d) => d.decision === "refuse"),
    report.decisions.length,
    "countersign",
  );
}

export function register(program: Command): void {
  const cmd = program
    .command("countersign <files...>")
    .description(
      "on the signing host: sign each artifact with the release key only if the approved build attested it " +
        "(approval signed by the approver and unexpired, build key or MAC, build id, digest); every decision is " +
        "audit-logged. --verify: re-check a published set the way the repository would",
    )
    .requiredOption("--attestations <file>", "the build's attestations (sigrun attest output, JSON lines)")
    .requiredOption("--approval <file>", "the approval record (approval.json from sigrun build-key new)")
    .requiredOption("--approver-pub <file>", "the approver's public key: the approval must be signed by it")
    .option("--key <key>", "the release key: private key file or pkcs11: URI")
    .option("--format <format>", "openpgp | ssh | raw (with --verify: default detected)")
    .option(
      "-o, --output <dir>",
      "write DIR/<artifact name>.sig (with --verify: read DIR/<name>.sig or .asc; default beside each file)",
    )
    .option("--nonce-env <var>", "MAC variant: read the build nonce from this environment variable")
    .option("--build-pub <file>", "optional pinned build public key; must be the key the approval names")
    .option("--namespace <ns>", "SSHSIG namespace (ssh format)", "file")
    .option(
      "--audit <log>",
      "the signing host's audit log (SQLite; default $SIGRUN_AUDIT_LOG, else ~/.local/state/sigrun/audit.db)",
    )
    .option(
      "--verify",
      "check instead of sign: approval, attestations, digests and release signatures (for the repository)",
    )
    .option("--pub <file>", "with --verify: the release public key (PEM, OpenSSH, or OpenPGP certificate)")
    .option("--force", "overwrite existing signature files")
    .option("--json", "print a per-artifact json report on stdout");
  addKeyOptions(cmd).action(async (files: string[], o: CountersignCliOptions) => {
    if (o.verify) await runVerify(files, o);
    else await runCountersign(files, o);
  });
}
