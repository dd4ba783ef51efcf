import type { Command } from "commander";
import { printJson, readInput } from "../io.js";

export function register(program: Command): void {
  const audit = program.command("audit").description("show and verify the agent's hash-chained audit log");
  audit
    .command("verify <log>")
    .description(
      "check every entry's hash and link, sequence numbers and (with --host-pub) every signed checkpoint; " +
        "AUDIT_CORRUPT names the first edited, deleted, inserted or reordered entry",
    )
    .option("--host-pub <file>", "host public key: verify checkpoint signatures")
    .option("--min-seq <n>", "the log must reach this sequence number (e.g. a receipt's audit seq)")
    .option("--json", "print the report as JSON")
    .action(async (path: string, o: { hostPub?: string; minSeq?: string; json?: boolean }) => {
      const { SigrunError } = await import("../../core/index.js");
      const { parsePublicKey } = await import("../../keys/index.js");
      const { verifyAuditFile } = await import("../../audit/index.js");
      if (o.minSeq !== undefined && !/^\d{1,15}$/.test(o.minSeq))
        throw new SigrunError("USAGE", "--min-seq: expected an integer");
      const report = verifyAuditFile(path, {
        hostPub: o.hostPub ? parsePublicKey(readInput(o.hostPub, "host public key"), o.hostPub) : undefined,
        minSeq: o.minSeq === undefined ? undefined : Number(o.minSeq),
      });
      if (o.json) printJson({ ok: true, ...report });
      else
        process.stdout.write(
          `audit log OK: ${report.entries} entries, head ${report.head.slice(0, 16)}…, ${report.checkpoints} checkpoints` +
            `${o.hostPub ? " (signatures verified)" : " (signatures NOT checked: give --host-pub)"}, ` +
            `${report.unsignedTail} entries after the last checkpoint${report.tornTail ? ", torn last line (crash during append)" : ""}\n`,
        );
    });
  audit
    .command("show <log>")
    .description("print the entries (checked for syntax only; use verify for integrity)")
    .option("--json", "print as JSON")
    .option(
      "--type <type>",
      "only entries of this type (intake, reject, run, finish, receipt, checkpoint, …)",
    )
    .action(async (path: string, o: { json?: boolean; type?: string }) => {
      const { readAuditEntries } = await import("../../audit/index.js");
      const entries = readAuditEntries(path).filter((e) => o.type === undefined || e.type === o.type);
      if (o.json) return printJson(entries);
      for (const e of entries) {
        const data = Object.entries(e.data)
          .filter(([k]) => k !== "sig")
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)
          .join(" ");
        process.stdout.write(`${e.seq}\t${new Date(e.time).toISOString()}\t${e.type}\t${data}\n`);
      }
    });
}
