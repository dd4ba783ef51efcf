import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { type Clock, canonicalJson, SigrunError, systemClock } from "../core/index.js";
import type { Signer } from "../keys/index.js";
import { signCheckpoint } from "./checkpoint.js";
import { AUDIT_SCHEMA, migrateSchema, openDatabase } from "./db.js";
import { type AuditData, type AuditEntry, encodeEntry, GENESIS_HASH, makeEntry } from "./entry.js";

/** Most entries one transaction may append: the verifier allows a checkpoint gap of `every + this`. */
export const MAX_TX_ENTRIES = 8;
/** Default checkpoint cadence. */
export const DEFAULT_CHECKPOINT_EVERY = 100;
/** Largest cadence a writer may declare. */
export const MAX_CHECKPOINT_EVERY = 100_000;

export interface AuditLogOptions {
  /** Signs checkpoints (the host or signer key). Without it no checkpoints are written. */
  readonly signer?: Signer;
  /** Host (or signer) id written into checkpoints. */
  readonly host?: string;
  /** A signed checkpoint at least every this many entries (default 100); also after the first append and at close. */
  readonly checkpointEvery?: number;
  readonly clock?: Clock;
}

/** What a transaction's callback gets: the shared database and an append that joins the transaction. */
export interface AuditTx {
  readonly db: DatabaseSync;
  /** Appends inside the open transaction; at most MAX_TX_ENTRIES per transaction. */
  append(type: string, data: AuditData): AuditEntry;
}

interface Stmts {
  readonly last: StatementSync;
  readonly since: StatementSync;
  readonly insert: StatementSync;
}

/**
 * Append-only, hash-chained audit log in an SQLite table (docs/spec/audit-log.md). Writes are serialized
 * through one queue; each is a transaction that reads the chain's head inside `BEGIN IMMEDIATE`, so several
 * processes may share one log file. Signed checkpoints follow the first append after open, every
 * `checkpointEvery` entries, and close (`final: true`). A log that was not closed cleanly gets a `recovery`
 * entry and a checkpoint when it is opened again.
 */
export class AuditLog {
  private readonly every: number;
  private readonly clock: Clock;
  private readonly st: Stmts;
  private pending: Promise<unknown> = Promise.resolve();
  private sync: boolean | undefined;
  private checkpointAfterNext = true;
  private closed = false;

  private constructor(
    readonly db: DatabaseSync,
    private readonly owned: boolean,
    private readonly opts: AuditLogOptions,
  ) {
    this.every = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isSafeInteger(this.every) || this.every < 1 || this.every > MAX_CHECKPOINT_EVERY)
      throw new SigrunError(
        "USAGE",
        `checkpointEvery: expected 1..${MAX_CHECKPOINT_EVERY}, got ${this.every}`,
      );
    this.clock = opts.clock ?? systemClock();
    this.st = {
      last: db.prepare("SELECT seq, hash, type, data FROM audit ORDER BY pos DESC LIMIT 1"),
      since: db.prepare(
        "SELECT count(*) AS n FROM audit WHERE pos > coalesce((SELECT max(pos) FROM audit WHERE type = 'checkpoint'), 0)",
      ),
      insert: db.prepare(
        "INSERT INTO audit (seq, v, time, type, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
    };
  }

  /** Opens (creating if needed) a log in its own database file at `path`. */
  static async open(path: string, opts: AuditLogOptions = {}): Promise<AuditLog> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const db = openDatabase(path);
    try {
      return await AuditLog.start(db, true, opts);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Uses the `audit` table of a database the caller owns (e.g. the agent's state.db); close() leaves it open. */
  static async attach(db: DatabaseSync, opts: AuditLogOptions = {}): Promise<AuditLog> {
    return AuditLog.start(db, false, opts);
  }

  private static async start(db: DatabaseSync, owned: boolean, opts: AuditLogOptions): Promise<AuditLog> {
    migrateSchema(db, AUDIT_SCHEMA);
    const log = new AuditLog(db, owned, opts);
    const last = log.head();
    const cleanStop = last.type === "checkpoint" && last.final;
    if (last.seq > 0 && !cleanStop && opts.signer) {
      const unprotected = (log.st.since.get() as { n: number }).n;
      await log.append("recovery", { after: last.seq, unprotected });
    }
    return log;
  }

  /** The last sequence number and hash written (by any writer of this database). */
  position(): { seq: number; head: string } {
    const { seq, hash } = this.head();
    return { seq, head: hash };
  }

  /** Appends one entry. With `sync` (default) the commit is fsync'ed (synchronous=FULL) before it resolves. */
  append(type: string, data: AuditData, opts: { sync?: boolean } = {}): Promise<AuditEntry> {
    return this.transaction((tx) => tx.append(type, data), opts);
  }

  /**
   * Runs `fn` synchronously inside one `BEGIN IMMEDIATE … COMMIT` on the log's database: everything it writes
   * (its own tables and `tx.append` entries) commits together or not at all. Queued behind earlier writes;
   * a due checkpoint is written before the promise resolves.
   */
  transaction<T>(fn: (tx: AuditTx) => T, opts: { sync?: boolean } = {}): Promise<T> {
    return this.enqueue(async () => {
      const r = this.runTx(fn, opts.sync ?? true);
      if (this.opts.signer && (this.checkpointAfterNext || this.sinceCheckpoint() >= this.every))
        await this.checkpointNow(false);
      return r;
    });
  }

  /**
   * Like `transaction`, with an asynchronous step first: `prepare` runs inside the queue (so no write of this
   * log interleaves), sees the database, and learns the sequence number the transaction's first entry will
   * get (e.g. to sign a receipt that cites it). `fn` then commits; if another process appended meanwhile,
   * `prepare` runs again.
   */
  prepareTransaction<P, T>(
    prepare: (next: { readonly seq: number; readonly db: DatabaseSync }) => Promise<P>,
    fn: (tx: AuditTx, prepared: P) => T,
    opts: { sync?: boolean } = {},
  ): Promise<T> {
    return this.enqueue(async () => {
      for (let attempt = 0; attempt < 8; attempt++) {
        const seq = this.head().seq;
        const p = await prepare({ seq: seq + 1, db: this.db });
        const r = this.runTx((tx) => {
          if (this.head().seq !== seq) return { stale: true as const };
          return { stale: false as const, value: fn(tx, p) };
        }, opts.sync ?? true);
        if (r.stale) continue;
        if (this.opts.signer && (this.checkpointAfterNext || this.sinceCheckpoint() >= this.every))
          await this.checkpointNow(false);
        return r.value;
      }
      throw new SigrunError("IO_ERROR", "audit log: the log keeps changing under a prepared transaction");
    });
  }

  /** Writes a signed checkpoint covering the current head (no-op without a signer or when empty). */
  checkpoint(): Promise<AuditEntry | undefined> {
    return this.enqueue(() => this.checkpointNow(false));
  }

  /** Writes the final checkpoint (the log "claims a clean stop") and closes a database the log opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.enqueue(() => this.checkpointNow(true));
    this.closed = true;
    if (this.owned) this.db.close();
  }

  private enqueue<T>(op: () => Promise<T> | T): Promise<T> {
    if (this.closed) return Promise.reject(new SigrunError("IO_ERROR", "audit log: closed"));
    const run = this.pending.then(op);
    this.pending = run.catch(() => undefined);
    return run;
  }

  private head(): { seq: number; hash: string; type: string; final: boolean } {
    const row = this.st.last.get() as { seq: number; hash: string; type: string; data: string } | undefined;
    if (!row) return { seq: 0, hash: GENESIS_HASH, type: "", final: false };
    if (!Number.isSafeInteger(row.seq) || typeof row.hash !== "string")
      throw new SigrunError("AUDIT_CORRUPT", "audit log: last row is malformed (run sigrun audit verify)");
    // a v2 checkpoint says whether it closed the log; a v1 one (imported JSON-lines era) was written at close
    let final = false;
    if (row.type === "checkpoint") {
      try {
        const d = JSON.parse(row.data) as { final?: unknown; every?: unknown };
        final = d.final === true || d.every === undefined;
      } catch {
        final = false;
      }
    }
    return { seq: row.seq, hash: row.hash, type: row.type, final };
  }

  private sinceCheckpoint(): number {
    return (this.st.since.get() as { n: number }).n;
  }

  private setSync(sync: boolean): void {
    if (this.sync === sync) return;
    this.db.exec(`PRAGMA synchronous=${sync ? "FULL" : "NORMAL"}`);
    this.sync = sync;
  }

  private runTx<T>(fn: (tx: AuditTx) => T, sync: boolean): T {
    this.setSync(sync);
    this.db.exec("BEGIN IMMEDIATE");
    try {
      let { seq, hash } = this.head();
      let count = 0;
      const tx: AuditTx = {
        db: this.db,
        append: (type, data) => {
          if (++count > MAX_TX_ENTRIES)
            throw new SigrunError(
              "INTERNAL",
              `audit: more than ${MAX_TX_ENTRIES} entries in one transaction`,
            );
          const entry = makeEntry(seq + 1, this.clock.now(), type, data, hash);
          encodeEntry(entry); // enforces the line cap an export must respect
          this.st.insert.run(
            entry.seq,
            entry.v,
            entry.time,
            entry.type,
            canonicalJson(entry.data),
            entry.prev,
            entry.hash,
          );
          seq = entry.seq;
          hash = entry.hash;
          return entry;
        },
      };
      const r = fn(tx);
      if (r instanceof Promise)
        throw new SigrunError("INTERNAL", "audit transaction: callback must be synchronous");
      this.db.exec("COMMIT");
      return r;
    } catch (err) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      if (err instanceof SigrunError) throw err;
      throw new SigrunError("IO_ERROR", `audit log: ${(err as Error).message}`, { cause: err });
    }
  }

  private async checkpointNow(final: boolean): Promise<AuditEntry | undefined> {
    const signer = this.opts.signer;
    if (!signer) return undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const { seq, hash, type, final: closed } = this.head();
      if (seq === 0) return undefined;
      // nothing new since a checkpoint that already says as much
      if (type === "checkpoint" && (closed || !final)) return undefined;
      const cp = await signCheckpoint(signer, this.opts.host ?? "", seq, hash, this.every, final);
      // another process may have appended while the signature was made: sign its head instead
      const entry = this.runTx(
        (tx) => (this.head().seq === seq ? tx.append("checkpoint", cp) : undefined),
        true,
      );
      if (entry) {
        this.checkpointAfterNext = false;
        return entry;
      }
    }
    throw new SigrunError("IO_ERROR", "audit log: could not write a checkpoint (the log keeps changing)");
  }
}
