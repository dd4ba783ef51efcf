import type { DatabaseSync } from "node:sqlite";
import { canonicalJson, SigrunError } from "../core/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import { verifyCheckpoint } from "./checkpoint.js";
import { AUDIT_SCHEMA, migrateSchema } from "./db.js";
import type { AuditEntry } from "./entry.js";
import { parseJsonl } from "./source.js";
import { verifySource } from "./verify.js";

/** What `importJsonl` found and copied. */
export interface ImportReport {
  readonly entries: number;
  readonly checkpoints: number;
  /** Bytes of a torn last line (a crash mid-append in the JSON-lines era) that were left out. */
  readonly tornBytes: number;
}

/**
 * Copies a JSON-lines log (the agent's `audit.log` before state.db) verbatim — same seq, times, hashes —
 * into the empty `audit` table of `db`, inside the caller's transaction. The chain is checked first, and
 * with `hostPub` every checkpoint signature (v1 checkpoints carry no cadence, so only the signatures).
 * A torn last line is left out and counted. Throws AUDIT_CORRUPT for any other damage.
 */
export function importJsonl(db: DatabaseSync, text: string, hostPub?: PublicKeyInfo): ImportReport {
  const src = parseJsonl(text);
  const tornBytes = src.tornTail
    ? Buffer.byteLength(text) - Buffer.byteLength(text.slice(0, text.lastIndexOf("\n") + 1))
    : 0;
  const report = verifySource(src);
  if (hostPub)
    for (const e of src.entries)
      if (e.type === "checkpoint") verifyCheckpoint(e.data, hostPub, `audit log line ${e.seq}`);
  migrateSchema(db, AUDIT_SCHEMA);
  const n = (db.prepare("SELECT count(*) AS n FROM audit").get() as { n: number }).n;
  if (n !== 0) throw new SigrunError("IO_ERROR", "audit import: the audit table is not empty");
  const insert = db.prepare(
    "INSERT INTO audit (pos, seq, v, time, type, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  for (const e of src.entries as AuditEntry[])
    insert.run(e.seq, e.seq, e.v, e.time, e.type, canonicalJson(e.data), e.prev, e.hash);
  return { entries: report.entries, checkpoints: report.checkpoints, tornBytes };
}
