import type { Command } from "commander";
import { printJson, readInput, writeOutput } from "../io.js";

/**
 * `-`: a JSON-lines log (an export) on stdin. An SQLite database cannot be read from a stream, so it is a
 * usage error rather than a misleading parse failure.
 */
async function stdinJsonl(): Promise<string> {
  const { SigrunError } = await import("../../core/index.js");
  const bytes = readInput("-", "audit log");
  if (Buffer.from(bytes.subarray(0, 16)).toString("latin1") === "SQLite format 3\0")
    throw new SigrunError(
      "USAGE",
      "audit log -: an SQLite database cannot be read from stdin; give its path",
    );
  return Buffer.from(bytes).toString("utf8");
}

/** A state directory stands for its state.db. */
async function logPath(path: string): Promise<string> {
  const { statSync } = await import("node:fs");
  const { join } = await import("node:path");
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? join(path, "state.db") : path;
}

export function register(program: Command): void {
  const audit = program
    .command("audit")
    .description(
      "show, verify and export a hash-chained audit log (the agent's state.db, a signer's --audit db)",
    );
  audit
    .command("verify <log>")
    .description(
      "check a log (SQLite database, state dir, or JSON-lines export; `-`: JSON lines on stdin): every entry's hash and link, sequence " +
        "numbers and, with --host-pub, every signed checkpoint, the checkpoint cadence and the final checkpoint; " +
        "AUDIT_CORRUPT names the problem (edited, deleted, inserted, reordered, truncated, checkpoint, " +
        "checkpoint-missing, malformed) and the row or line",
    )
    .option("--host-pub <file>", "the writer's public key (agent host.pub, signer key): verify checkpoints")
    .option("--min-seq <n>", "the log must reach this sequence number (e.g. a receipt's audit seq)")
    .option(
      "--open",
      "accept a log whose writer is still running (no final checkpoint); its tail is reported unprotected",
    )
    .option("--json", "print the report as JSON")
    .action(
      async (path: string, o: { hostPub?: string; minSeq?: string; open?: boolean; json?: boolean }) => {
        const { SigrunError } = await import("../../core/index.js");
        const { parsePublicKey } = await import("../../keys/index.js");
        const { verifyAudit, verifyAuditText } = await import("../../audit/index.js");
        if (o.minSeq !== undefined && !/^\d{1,15}$/.test(o.minSeq))
          throw new SigrunError("USAGE", "--min-seq: expected an integer");
        const opts = {
          hostPub: o.hostPub ? parsePublicKey(readInput(o.hostPub, "host public key"), o.hostPub) : undefined,
          minSeq: o.minSeq === undefined ? undefined : Number(o.minSeq),
          open: o.open === true,
        };
        const report =
          path === "-" ? verifyAuditText(await stdinJsonl(), opts) : verifyAudit(await logPath(path), opts);
        if (o.json) return printJson({ ok: true, ...report });
        const sig = o.hostPub ? "signatures verified" : "signatures NOT checked: give --host-pub";
        process.stdout.write(
          `audit log OK (${report.format}): ${report.entries} entries, head ${report.head.slice(0, 16)}…, ` +
            `${report.checkpoints} checkpoints (${sig}), ${report.closed ? "closed cleanly" : "open"}, ` +
            `${report.unsignedTail} entries after the last checkpoint (unprotected)` +
            `${report.tornTail ? ", torn last line (crash during append)" : ""}\n`,
        );
      },
    );
  audit
    .command("show <log>")
    .description(
      "print the entries (checked for syntax only; use verify for integrity); `-`: a JSON-lines export on stdin",
    )
    .option("--json", "print as JSON")
    .option(
      "--type <type>",
      "only entries of this type (intake, reject, run, finish, receipt, checkpoint, …)",
    )
    .action(async (path: string, o: { json?: boolean; type?: string }) => {
      const { parseJsonl, readAuditEntries } = await import("../../audit/index.js");
      let all: readonly import("../../audit/index.js").AuditEntry[];
      if (path === "-") {
        const src = parseJsonl(await stdinJsonl());
        if (src.malformed) {
          const { SigrunError } = await import("../../core/index.js");
          throw new SigrunError(
            "AUDIT_CORRUPT",
            `audit log -: line ${src.malformed.index + 1}: ${src.malformed.why}`,
          );
        }
        all = src.entries;
      } else all = readAuditEntries(await logPath(path));
      const entries = all.filter((e) => o.type === undefined || e.type === o.type);
      if (o.json) return printJson(entries);
      for (const e of entries) {
        const data = Object.entries(e.data)
          .filter(([k]) => k !== "sig")
          .map(([k, v]) => `${k}=${v !== null && typeof v === "object" ? JSON.stringify(v) : String(v)}`)
          .join(" ");
        process.stdout.write(`${e.seq}\t${new Date(e.time).toISOString()}\t${e.type}\t${data}\n`);
      }
    });
  audit
    .command("export <log>")
    .description(
      "write the log as canonical JSON lines (one entry a line, checkpoints included) for a log pipeline; " +
        "the copy verifies with `sigrun audit verify FILE`",
    )
    .requiredOption("--jsonl", "JSON-lines output (the only format)")
    .option("-o, --output <file>", "write to this file (atomically) instead of stdout")
    .action(async (path: string, o: { output?: string }) => {
      const { exportJsonl } = await import("../../audit/index.js");
      const text = [...exportJsonl(await logPath(path))].join("");
      if (o.output) writeOutput(o.output, text, { mode: 0o600 });
      else process.stdout.write(text);
    });
}
