import { join } from "node:path";
import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { auditLogPath } from "../audit-sink.js";
import { outputDir, printJson, writeOutput } from "../io.js";
import { addKeyOptions, type KeyOptions, openSigner } from "./sign-file.js";

interface NewOptions extends KeyOptions {
  build: string;
  approverKey: string;
  valid: string;
  mac?: boolean;
  output: string;
  printEnv?: boolean;
  audit?: string;
  force?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const bk = program
    .command("build-key")
    .description(
      "ephemeral per-build keys for build-gated countersigning (docs/guide/build-gated-signing.md)",
    );
  const cmd = bk
    .command("new")
    .description(
      "approve one build: a fresh Ed25519 build key (or, with --mac, a 256-bit nonce) for the build host, " +
        "and an approval record signed by the approver and appended to the approver's audit log",
    )
    .requiredOption("--build <id>", "build id (1-128 of A-Z a-z 0-9 . _ -)")
    .requiredOption(
      "--approver-key <key>",
      "the approver's private key file or pkcs11: URI (signs the approval)",
    )
    .option("--valid <duration>", "how long the build key may be used (at most 31d)", "6h")
    .option("--mac", "MAC variant: a random nonce instead of a key pair (the approval holds its SHA-256)")
    .requiredOption(
      "-o, --output <dir>",
      "write build.key (or build.nonce), build.pub, build.pub.asc, approval.json here",
    )
    .option(
      "--print-env",
      "also print the build secret on stdout as one line, the value of one environment variable for M",
    )
    .option(
      "--audit <log>",
      "the approver's audit log (SQLite; default $SIGRUN_AUDIT_LOG, else ~/.local/state/sigrun/audit.db); its checkpoints are signed by the approver key",
    )
    .option("--force", "overwrite existing files in the output directory")
    .option("--json", "print a json summary on stdout (without the secret unless --print-env)");
  addKeyOptions(cmd).action(async (o: NewOptions) => {
    const { mkdirSync, existsSync } = await import("node:fs");
    const { parseDuration } = await import("../../core/index.js");
    const { newBuildKey } = await import("../../attest/index.js");
    const { openAuditSink } = await import("../audit-sink.js");
    outputDir(o.output);
    const validMs = parseDuration(o.valid, "--valid");
    const variant = o.mac ? "mac" : "key";
    const files =
      variant === "key"
        ? { secret: "build.key", pub: "build.pub", cert: "build.pub.asc", approval: "approval.json" }
        : { secret: "build.nonce", approval: "approval.json" };
    mkdirSync(o.output, { recursive: true, mode: 0o700 });
    if (!o.force)
      for (const f of Object.values(files))
        if (existsSync(join(o.output, f)))
          throw new SigrunError("IO_ERROR", `${join(o.output, f)}: exists; refusing to overwrite (--force)`);
    const approver = await openSigner(o.approverKey, o);
    const audit = await openAuditSink(auditLogPath(o.audit), approver);
    let made: Awaited<ReturnType<typeof newBuildKey>>;
    try {
      made = await newBuildKey({ build: o.build, approver, validMs, variant, audit, now: new Date() });
    } finally {
      await audit.close();
      await approver.close();
    }
    const overwrite = o.force === true;
    writeOutput(join(o.output, files.secret), `${made.secretText}\n`, { mode: 0o600, overwrite });
    if (made.publicPem !== undefined) writeOutput(join(o.output, "build.pub"), made.publicPem, { overwrite });
    if (made.openpgpCert !== undefined)
      writeOutput(join(o.output, "build.pub.asc"), made.openpgpCert, { overwrite });
    writeOutput(join(o.output, files.approval), made.approval, { overwrite });
    const r = made.record;
    if (o.json)
      printJson({
        build: r.build,
        variant: r.variant,
        buildKey: r.buildKey?.keyId ?? null,
        openpgpFingerprint: r.buildKey?.openpgpFingerprint ?? null,
        nonceCommitment: r.nonceCommitment,
        approver: r.approver,
        notAfter: r.notAfter,
        files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(o.output, f)])),
        auditLog: audit.path,
        ...(o.printEnv ? { env: made.secretText } : {}),
      });
    else {
      if (o.printEnv) process.stdout.write(`${made.secretText}\n`);
      process.stderr.write(
        `build ${r.build} approved until ${r.notAfter} by ${r.approver}\n` +
          (r.buildKey
            ? `build key ${r.buildKey.keyId} (OpenPGP ${r.buildKey.openpgpFingerprint})\n`
            : `nonce commitment ${r.nonceCommitment}\n`) +
          `wrote ${Object.values(files)
            .map((f) => join(o.output, f))
            .join(", ")}; recorded in ${audit.path}\n` +
          `give ${join(o.output, files.secret)} to the build host ONLY (secret), approval.json to the signing host\n`,
      );
    }
  });
}
