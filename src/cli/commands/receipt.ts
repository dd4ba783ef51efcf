import type { Command } from "commander";
import { printJson, readInput } from "../io.js";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function register(program: Command): void {
  const receipt = program
    .command("receipt")
    .description("check and show agent receipts (in-toto Statement v1 in DSSE)");
  receipt
    .command("verify <receipt>")
    .description(
      "verify a receipt's signature against the host's public key and its structure; optionally check files " +
        "against its subjects. Exit 0 only if it verifies (RECEIPT_INVALID otherwise); --require-success also " +
        "fails unless the job succeeded",
    )
    .requiredOption("--host-pub <file>", "the host's receipt public key (host.pub, or from GET /host)")
    .option(
      "--subject <name=file>",
      "check that file's SHA-256 equals the subject of that name (repeatable)",
      collect,
      [],
    )
    .option("--require-success", "exit with the job's error code unless its status is succeeded")
    .option("--json", "print the verified statement as JSON")
    .action(
      async (
        path: string,
        o: { hostPub: string; subject: string[]; requireSuccess?: boolean; json?: boolean },
      ) => {
        const { createHash } = await import("node:crypto");
        const { SigrunError } = await import("../../core/index.js");
        const { parsePublicKey } = await import("../../keys/index.js");
        const { verifyReceipt } = await import("../../agent/index.js");
        const pub = parsePublicKey(readInput(o.hostPub, "host public key"), o.hostPub);
        const st = verifyReceipt(readInput(path, "receipt"), pub);
        for (const spec of o.subject) {
          const i = spec.indexOf("=");
          if (i < 1) throw new SigrunError("USAGE", `--subject: expected name=file, got ${spec}`);
          const name = spec.slice(0, i);
          const want = st.subject.find((s) => s.name === name);
          if (!want) throw new SigrunError("RECEIPT_INVALID", `subject ${name}: not in the receipt`);
          const got = createHash("sha256")
            .update(readInput(spec.slice(i + 1), "subject file"))
            .digest("hex");
          if (got !== want.digest.sha256)
            throw new SigrunError(
              "DIGEST_MISMATCH",
              `subject ${name}: sha256 ${got}, receipt says ${want.digest.sha256}`,
            );
        }
        const p = st.predicate;
        if (o.requireSuccess && p.status !== "succeeded" && o.json)
          throw new SigrunError(p.error?.code ?? "RUNNER_ERROR", `job ${p.job.id} ${p.status}`);
        if (o.json) printJson(st);
        else
          process.stdout.write(
            `receipt OK: host ${p.host.id} (${p.host.keyId}) job ${p.job.id} ${p.status}` +
              `${p.error ? ` ${p.error.code}` : ""}${p.bundle ? ` bundle ${p.bundle.id}` : ""} audit seq ${p.audit.seq}\n`,
          );
        if (o.requireSuccess && p.status !== "succeeded")
          throw new SigrunError(p.error?.code ?? "RUNNER_ERROR", `job ${p.job.id} ${p.status}`);
      },
    );
  receipt
    .command("show <receipt>")
    .description("print a receipt's statement WITHOUT checking its signature (use verify for that)")
    .option("--json", "print as JSON (default)")
    .action(async (path: string) => {
      const { readReceiptUnverified } = await import("../../agent/index.js");
      printJson(readReceiptUnverified(readInput(path, "receipt")));
    });
}
