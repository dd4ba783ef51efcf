import type { Command } from "commander";
import { printJson, readSecret } from "../io.js";

interface ExecuteFlags {
  host: string;
  app?: string;
  application?: string;
  inputs: string;
  outputs: string;
  store?: string;
  storeTokenFile?: string;
  timeout: string;
  requireTee?: boolean;
  receipt?: string;
  json?: boolean;
}

const HELP = `
What this protects: inputs and outputs are sealed (age, X25519) on this machine and stay secret from the
store, the network and other hosts; tampering, substitution and replay are detected; outputs are bound to
the inputs by a receipt signed with the host's pinned key. The job key is released only to a fresh key the
host signed for this job, so copies left on a store stay sealed even if the host's long-term keys leak.

What it does not protect: the remote host sees the plaintext while the job runs — its root user, operator
or hypervisor can read it (there is no TEE: attestation type "none"); the receipt is the host's claim, not a
proof that the computation ran as declared; sizes, counts and timing are not hidden.
`;

export function register(program: Command): void {
  program
    .command("execute")
    .description(
      "run a signed bundle on a host on sealed inputs: seal INPUTS/, send them (through the SSH session, the " +
        "agent's HTTP API, or a store), run the bundle there with inputs_dir/outputs_dir, verify the signed receipt " +
        "and unseal the outputs into OUTPUTS/ (nothing partial on failure)",
    )
    .requiredOption("--host <name>", "a host added with `sigrun host add`")
    .option("--app <bundle>", "the signed bundle (.sgb) to run")
    .option("--application <bundle>", "same as --app")
    .requiredOption("--inputs <dir>", "directory of inputs (sealed before they leave this machine)")
    .requiredOption("--outputs <dir>", "where the outputs go (must not exist, or be empty)")
    .option("-r, --store <url>", "untrusted blob store for the sealed data (https://… or s3://…)")
    .option(
      "--store-token-file <file>",
      "bearer token of the store (else $SIGRUN_STORE_TOKEN); s3:// uses AWS_* variables",
    )
    .option("--timeout <duration>", "the job's wall-clock limit on the host", "10m")
    .option("--require-tee", "refuse a host that cannot attest a TEE (refuses attestation type none)")
    .option("--receipt <file>", "also write the signed receipt here")
    .option("--json", "print the receipt summary as JSON")
    .addHelpText("after", HELP)
    .action(async (o: ExecuteFlags) => {
      const { SigrunError, parseDuration, isErrorCode } = await import("../../core/index.js");
      const { execute, sigrunConfigDir } = await import("../../remote/index.js");
      const { exitCodeFor } = await import("../exit-codes.js");
      if (o.app && o.application && o.app !== o.application)
        throw new SigrunError("USAGE", "execute: --app and --application are the same flag; give one");
      const app = o.app ?? o.application;
      if (!app) throw new SigrunError("USAGE", "execute: --app (or --application) is required");
      const show = !o.json && process.stderr.isTTY;
      const r = await execute({
        configDir: sigrunConfigDir(),
        host: o.host,
        app,
        inputs: o.inputs,
        outputs: o.outputs,
        store: o.store,
        storeToken: o.store
          ? (readSecret({ file: o.storeTokenFile }, "store token") ?? process.env.SIGRUN_STORE_TOKEN)
          : undefined,
        timeoutMs: parseDuration(o.timeout, "--timeout"),
        requireTee: o.requireTee,
        progress: show ? (s) => process.stderr.write(`sigrun execute: ${s}\n`) : undefined,
      });
      if (o.receipt) {
        const { writeOutput } = await import("../io.js");
        writeOutput(o.receipt, r.receipt, { overwrite: true });
      }
      const summary = {
        host: r.host,
        job_digest: r.jobDigest,
        nonce: r.nonce,
        status: r.status,
        error: r.errorCode,
        attestation: r.attestation,
        receipt_sha256: r.receiptSha256,
        inputs: r.inputs,
        outputs: r.outputs,
      };
      if (o.json) printJson(summary);
      else
        process.stdout.write(
          `job ${r.jobDigest.slice(0, 16)} ${r.status} on ${r.host} (attestation ${r.attestation}): ${r.outputs.length} outputs in ${o.outputs}\n`,
        );
      if (r.status !== "succeeded") {
        const err = Buffer.from(r.stderr).toString("utf8").trim();
        if (err && !o.json) process.stderr.write(`${err.slice(0, 4000)}\n`);
        process.exitCode = r.errorCode && isErrorCode(r.errorCode) ? exitCodeFor(r.errorCode) : 1;
      }
    });
}
