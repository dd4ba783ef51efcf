import { closeSync, openSync, readSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { SigrunError } from "../core/index.js";

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/** True when the file at `path` starts with the SQLite header (false for JSON lines, missing or short files). */
export function isSqliteFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(16);
    return readSync(fd, buf, 0, 16, 0) === 16 && buf.equals(SQLITE_MAGIC);
  } finally {
    closeSync(fd);
  }
}

export interface OpenDbOptions {
  /** Open read-only (a second process, e.g. `sigrun audit verify`, while the writer runs). */
  readonly readOnly?: boolean;
  /** Milliseconds to wait for a lock held by another connection (default 5000). */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating unless read-only) an SQLite database the way every sigrun store uses it: WAL journal
 * (readers never block the writer), `synchronous=FULL` (every commit is fsync'ed before it returns;
 * writers may lower it to NORMAL for a commit that need not survive a power cut), foreign keys on.
 */
export function openDatabase(path: string, opts: OpenDbOptions = {}): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, {
      readOnly: opts.readOnly ?? false,
      enableForeignKeyConstraints: true,
      timeout: opts.busyTimeoutMs ?? 5000,
    });
  } catch (err) {
    throw new SigrunError("IO_ERROR", `database ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (!opts.readOnly) {
      const mode = db.prepare("PRAGMA journal_mode=WAL").get() as { journal_mode: string };
      if (mode.journal_mode !== "wal")
        throw new SigrunError(
          "IO_ERROR",
          `database ${path}: cannot switch to WAL (got ${mode.journal_mode})`,
        );
      db.exec("PRAGMA synchronous=FULL");
    }
    // a file that is not a database fails here, not at the first query
    db.prepare("SELECT count(*) AS n FROM sqlite_master").get();
  } catch (err) {
    db.close();
    if (err instanceof SigrunError) throw err;
    throw new SigrunError("IO_ERROR", `database ${path}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}

/** One component's schema: `steps[i]` upgrades version i to i + 1 (so `steps.length` is the current version). */
export interface SchemaSteps {
  readonly component: string;
  readonly steps: readonly string[];
}

const VERSION_TABLE =
  "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)";

/** The schema version a component's tables are at (0: not created). */
export function schemaVersion(db: DatabaseSync, component: string): number {
  const t = db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'").get();
  if (!t) return 0;
  const row = db.prepare("SELECT version FROM schema_version WHERE component = ?").get(component) as
    | { version: number }
    | undefined;
  return row?.version ?? 0;
}

/**
 * Brings a component's tables to the current version in one transaction: runs every step after the stored
 * version and records the new one. A database from a newer sigrun (a version above ours) is refused.
 */
export function migrateSchema(db: DatabaseSync, schema: SchemaSteps): void {
  // a savepoint: its own transaction, or nested in the caller's
  const outer = db.isTransaction;
  db.exec(outer ? "SAVEPOINT migrate_schema" : "BEGIN IMMEDIATE");
  try {
    db.exec(VERSION_TABLE);
    const have = schemaVersion(db, schema.component);
    const want = schema.steps.length;
    if (have > want)
      throw new SigrunError(
        "UNSUPPORTED_VERSION",
        `database schema ${schema.component}: version ${have} is newer than this sigrun's ${want}`,
      );
    for (let v = have; v < want; v++) db.exec(schema.steps[v]!);
    if (have !== want)
      db.prepare(
        "INSERT INTO schema_version (component, version) VALUES (?, ?) " +
          "ON CONFLICT(component) DO UPDATE SET version = excluded.version",
      ).run(schema.component, want);
    db.exec(outer ? "RELEASE migrate_schema" : "COMMIT");
  } catch (err) {
    db.exec(outer ? "ROLLBACK TO migrate_schema; RELEASE migrate_schema" : "ROLLBACK");
    throw err;
  }
}

/** The audit chain's table (docs/spec/audit-log.md §3). `pos` orders rows; `seq` is the chained number. */
export const AUDIT_SCHEMA: SchemaSteps = {
  component: "audit",
  steps: [
    `CREATE TABLE audit (
       pos INTEGER PRIMARY KEY AUTOINCREMENT,
       seq INTEGER NOT NULL,
       v INTEGER NOT NULL,
       time INTEGER NOT NULL,
       type TEXT NOT NULL,
       data TEXT NOT NULL,
       prev TEXT NOT NULL,
       hash TEXT NOT NULL
     );
     CREATE INDEX audit_seq ON audit (seq);
     CREATE INDEX audit_type ON audit (type, seq);`,
  ],
};
