import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { type Clock, SigrunError, systemClock } from "../core/index.js";
import type { Signer } from "../keys/index.js";
import { signCheckpoint } from "./checkpoint.js";
import {
  type AuditData,
  type AuditEntry,
  encodeEntry,
  GENESIS_HASH,
  MAX_LINE_BYTES,
  makeEntry,
  parseEntry,
} from "./entry.js";

export interface AuditLogOptions {
  /** Signs checkpoints (the host key). Without it no checkpoints are written. */
  readonly signer?: Signer;
  /** Host id written into checkpoints. */
  readonly host?: string;
  /** A signed checkpoint after this many entries (default 100); also on close. */
  readonly checkpointEvery?: number;
  readonly clock?: Clock;
}

/**
 * Append-only, hash-chained audit log in a JSON-lines file (docs/spec/audit-log.md). Every append is
 * written with one write(2) and fsync'ed before it returns. A torn last line left by a crash is cut at
 * open and the cut is itself recorded as a `recovery` entry. One writer per file (the agent holds a lock).
 */
export class AuditLog {
  readonly path: string;
  private fd: number;
  private seq: number;
  private head: string;
  private sinceCheckpoint = 0;
  private readonly opts: AuditLogOptions;
  private readonly clock: Clock;
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(path: string, fd: number, seq: number, head: string, opts: AuditLogOptions) {
    this.path = path;
    this.fd = fd;
    this.seq = seq;
    this.head = head;
    this.opts = opts;
    this.clock = opts.clock ?? systemClock();
  }

  /** Opens (creating if needed) the log at `path`, repairing a torn tail. */
  static async open(path: string, opts: AuditLogOptions = {}): Promise<AuditLog> {
    mkdirSync(dirname(path), { recursive: true });
    let fd: number;
    try {
      fd = openSync(path, "a+", 0o600);
    } catch (err) {
      throw new SigrunError("IO_ERROR", `audit log ${path}: ${(err as NodeJS.ErrnoException).code}`, {
        cause: err,
      });
    }
    const { last, tornBytes, size } = readTail(fd, path);
    if (tornBytes > 0) {
      ftruncateSync(fd, size - tornBytes);
      fsyncSync(fd);
    }
    const log = new AuditLog(path, fd, last?.seq ?? 0, last?.hash ?? GENESIS_HASH, opts);
    if (tornBytes > 0) await log.append("recovery", { tornBytes });
    return log;
  }

  /** The last sequence number and hash written. */
  position(): { seq: number; head: string } {
    return { seq: this.seq, head: this.head };
  }

  /**
   * Appends one entry; appends are serialized. With `sync` (the default) the entry — and every entry before
   * it — is fsync'ed before the promise resolves; `sync: false` entries reach the disk with the next synced
   * append, a checkpoint or close (group commit). Returns the entry.
   */
  append(type: string, data: AuditData, opts: { sync?: boolean } = {}): Promise<AuditEntry> {
    const run = this.pending.then(() => this.appendNow(type, data, opts.sync ?? true));
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Writes a signed checkpoint covering the current head (no-op without a signer or when empty). */
  checkpoint(): Promise<AuditEntry | undefined> {
    const run = this.pending.then(() => this.checkpointNow());
    this.pending = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.fd < 0) return;
    if (this.sinceCheckpoint > 0) await this.checkpoint();
    await this.pending;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }

  private async appendNow(type: string, data: AuditData, sync: boolean): Promise<AuditEntry> {
    const entry = this.write(type, data, sync);
    this.sinceCheckpoint++;
    if (this.opts.signer && this.sinceCheckpoint >= (this.opts.checkpointEvery ?? 100))
      await this.checkpointNow();
    return entry;
  }

  private async checkpointNow(): Promise<AuditEntry | undefined> {
    if (!this.opts.signer || this.seq === 0) return undefined;
    const cp = await signCheckpoint(this.opts.signer, this.opts.host ?? "", this.seq, this.head);
    this.sinceCheckpoint = 0;
    return this.write("checkpoint", cp);
  }

  private write(type: string, data: AuditData, sync = true): AuditEntry {
    if (this.fd < 0) throw new SigrunError("IO_ERROR", `audit log ${this.path}: closed`);
    const entry = makeEntry(this.seq + 1, this.clock.now(), type, data, this.head);
    const line = Buffer.from(`${encodeEntry(entry)}\n`);
    try {
      writeSync(this.fd, line);
      if (sync) fsyncSync(this.fd);
    } catch (err) {
      throw new SigrunError("IO_ERROR", `audit log ${this.path}: ${(err as NodeJS.ErrnoException).code}`, {
        cause: err,
      });
    }
    this.seq = entry.seq;
    this.head = entry.hash;
    return entry;
  }
}

/** Finds the last complete line of the file and the length of any torn (newline-less) tail. */
function readTail(
  fd: number,
  path: string,
): { last: AuditEntry | undefined; tornBytes: number; size: number } {
  const size = fstatSync(fd).size;
  if (size === 0) return { last: undefined, tornBytes: 0, size };
  const want = Math.min(size, 2 * MAX_LINE_BYTES + 2);
  const buf = Buffer.alloc(want);
  readSync(fd, buf, 0, want, size - want);
  const lastNl = buf.lastIndexOf(0x0a);
  const tornBytes = want - 1 - lastNl;
  if (lastNl < 0) {
    if (want < size) throw new SigrunError("AUDIT_CORRUPT", `${path}: last line too long`);
    return { last: undefined, tornBytes: size, size };
  }
  const prevNl = buf.lastIndexOf(0x0a, lastNl - 1);
  if (prevNl < 0 && want < size) throw new SigrunError("AUDIT_CORRUPT", `${path}: last line too long`);
  const line = buf.subarray(prevNl + 1, lastNl).toString("utf8");
  return { last: parseEntry(line, `${path}: last entry`), tornBytes, size };
}
