import { readFileSync, statSync } from "node:fs";
import { SigrunError } from "../core/index.js";
import { isSqliteFile, openDatabase } from "./db.js";
import { type AuditEntry, type AuditRow, encodeEntry, entryFromRow, parseEntry } from "./entry.js";

/** Default cap on a log read for verification (file size, or rows × 64 KiB). */
export const DEFAULT_MAX_BYTES = 1 << 30;

/** A log as read from disk: entries in storage order, or the first unreadable one. */
export interface AuditSource {
  readonly format: "sqlite" | "jsonl";
  /** "row" (SQLite `pos` order) or "line". */
  readonly unit: "row" | "line";
  readonly entries: readonly AuditEntry[];
  /** Index and message of the first row/line that does not parse (the entries before it are read). */
  readonly malformed?: { readonly index: number; readonly why: string };
  /** JSON lines: a last line without newline (a crash mid-write). */
  readonly tornTail: boolean;
  /** SQLite: the highest `pos` ever allocated (sqlite_sequence), which outlives deleted rows. */
  readonly highestPos?: number;
  /** SQLite: the `pos` of the last row read. */
  readonly lastPos?: number;
}

function ioError(path: string, err: unknown): SigrunError {
  return new SigrunError(
    "IO_ERROR",
    `audit log ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    {
      cause: err,
    },
  );
}

/** Reads a log from an SQLite database (opened read-only, so a running writer is not disturbed) or a JSON-lines file. */
export function readAuditSource(path: string, maxBytes = DEFAULT_MAX_BYTES): AuditSource {
  try {
    statSync(path);
  } catch (err) {
    throw ioError(path, err);
  }
  return isSqliteFile(path) ? readDb(path, maxBytes) : readJsonl(path, maxBytes);
}

function readJsonl(path: string, maxBytes: number): AuditSource {
  let buf: Buffer;
  try {
    if (statSync(path).size > maxBytes)
      throw new SigrunError("LIMIT_EXCEEDED", `audit log ${path}: too large`);
    buf = readFileSync(path);
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    throw ioError(path, err);
  }
  return parseJsonl(buf.toString("utf8"));
}

/** Parses JSON-lines text (an export, or a log written before state.db). */
export function parseJsonl(text: string): AuditSource {
  const lines = text.split("\n");
  const torn = lines.pop() ?? "";
  const entries: AuditEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    try {
      entries.push(parseEntry(lines[i]!, `line ${i + 1}`));
    } catch (err) {
      return {
        format: "jsonl",
        unit: "line",
        entries,
        malformed: { index: i, why: (err as Error).message },
        tornTail: false,
      };
    }
  }
  return { format: "jsonl", unit: "line", entries, tornTail: torn.length > 0 };
}

function readDb(path: string, maxBytes: number): AuditSource {
  const db = openDatabase(path, { readOnly: true });
  try {
    const hasTable = db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='audit'").get();
    if (!hasTable)
      throw new SigrunError("AUDIT_CORRUPT", `audit log ${path}: no audit table`, {
        details: { problem: "malformed", unit: "row", index: null, seq: null },
      });
    // one read transaction: the rows and the table's counter from the same snapshot while a writer runs
    db.exec("BEGIN");
    const seqRow = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").get() as
      | { seq: number }
      | undefined;
    const entries: AuditEntry[] = [];
    let bytes = 0;
    let lastPos = 0;
    const it = db
      .prepare("SELECT pos, seq, v, time, type, data, prev, hash FROM audit ORDER BY pos")
      .iterate();
    for (const raw of it) {
      const row = raw as unknown as AuditRow & { pos: number };
      const index = entries.length;
      let e: AuditEntry;
      try {
        e = entryFromRow(row, `row ${index + 1}`);
        bytes += encodeEntry(e).length;
      } catch (err) {
        return {
          format: "sqlite",
          unit: "row",
          entries,
          malformed: { index, why: (err as Error).message },
          tornTail: false,
          highestPos: seqRow?.seq,
          lastPos,
        };
      }
      if (bytes > maxBytes) throw new SigrunError("LIMIT_EXCEEDED", `audit log ${path}: too large`);
      entries.push(e);
      lastPos = row.pos;
    }
    return { format: "sqlite", unit: "row", entries, tornTail: false, highestPos: seqRow?.seq, lastPos };
  } finally {
    if (db.isTransaction) db.exec("COMMIT");
    db.close();
  }
}

/** The log as canonical JSON lines (`sigrun audit export --jsonl`): verifiable with `sigrun audit verify FILE`. */
export function* exportJsonl(path: string): Generator<string> {
  const src = readAuditSource(path);
  for (const e of src.entries) yield `${encodeEntry(e)}\n`;
  if (src.malformed)
    throw new SigrunError(
      "AUDIT_CORRUPT",
      `audit log ${path}: ${src.unit} ${src.malformed.index + 1}: ${src.malformed.why}`,
    );
}
