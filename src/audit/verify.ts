import { SigrunError } from "../core/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import { checkpointFields, verifyCheckpoint } from "./checkpoint.js";
import { type AuditEntry, entryHash, GENESIS_HASH } from "./entry.js";
import { MAX_TX_ENTRIES } from "./log.js";
import { type AuditSource, DEFAULT_MAX_BYTES, parseJsonl, readAuditSource } from "./source.js";

export interface AuditVerifyOptions {
  /**
   * The writer's public key (agent host key, signer key). With it every checkpoint signature is checked and
   * the log must be covered: signed checkpoints at the declared cadence, and a final checkpoint at the end
   * unless `open` is set.
   */
  readonly hostPub?: PublicKeyInfo;
  /** The log must reach at least this sequence number (e.g. from a receipt); fewer → truncated. */
  readonly minSeq?: number;
  /** Accept a log whose writer is still running (no final checkpoint yet); its tail is reported unprotected. */
  readonly open?: boolean;
  /** Cap on the bytes read (default 1 GiB). */
  readonly maxBytes?: number;
}

export interface AuditVerifyReport {
  readonly format: "sqlite" | "jsonl";
  readonly entries: number;
  readonly seq: number;
  readonly head: string;
  readonly checkpoints: number;
  /** Sequence number covered by the last checkpoint (0 if none). */
  readonly checkpointedSeq: number;
  /** Entries after the last checkpoint: only the chain protects them ("unprotected"). */
  readonly unsignedTail: number;
  /** True when the log ends with a final checkpoint (its writer stopped cleanly). */
  readonly closed: boolean;
  /** The cadence the last v2 checkpoint declares (null if none). */
  readonly checkpointEvery: number | null;
  /** Checkpoint signatures were checked against a key. */
  readonly signaturesChecked: boolean;
  /** A torn last line (crash during append, JSON-lines logs only). */
  readonly tornTail: boolean;
}

export type AuditProblem =
  | "malformed"
  | "edited"
  | "deleted"
  | "inserted"
  | "reordered"
  | "truncated"
  | "checkpoint"
  | "checkpoint-missing";

function corrupt(
  problem: AuditProblem,
  unit: string,
  index: number | null,
  seq: number | null,
  why: string,
): SigrunError {
  const where = index === null ? "" : ` ${unit} ${index}${seq === null ? "" : ` (seq ${seq})`}`;
  return new SigrunError("AUDIT_CORRUPT", `audit log${where}: ${problem}: ${why}`, {
    details: { problem, unit, index, seq },
  });
}

/** Reads and checks a whole log: an SQLite database (`state.db`, a signer's audit db) or JSON lines. */
export function verifyAudit(path: string, opts: AuditVerifyOptions = {}): AuditVerifyReport {
  return verifySource(readAuditSource(path, opts.maxBytes ?? DEFAULT_MAX_BYTES), opts);
}

/** Same as verifyAudit (kept for callers of the JSON-lines era). */
export const verifyAuditFile = verifyAudit;

/** Checks JSON-lines text. */
export function verifyAuditText(text: string, opts: AuditVerifyOptions = {}): AuditVerifyReport {
  return verifySource(parseJsonl(text), opts);
}

/** Throws AUDIT_CORRUPT naming the first problem (kind, row/line, seq); returns the report otherwise. */
export function verifySource(src: AuditSource, opts: AuditVerifyOptions = {}): AuditVerifyReport {
  const { entries, unit } = src;
  if (src.malformed) throw corrupt("malformed", unit, src.malformed.index + 1, null, src.malformed.why);
  let head = GENESIS_HASH;
  let checkpoints = 0;
  let checkpointedSeq = 0;
  let every: number | null = null;
  let gap = 0;
  let gapStart = 1;
  let lastFinal = false;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const at = i + 1;
    if (e.seq !== at) throw classifySeq(entries, i, unit);
    if (entryHash(e) !== e.hash)
      throw corrupt("edited", unit, at, e.seq, "hash does not match the entry's content");
    if (e.prev !== head)
      throw corrupt(
        "edited",
        unit,
        at - 1,
        e.seq - 1,
        "rewritten: the next entry's prev does not match its hash",
      );
    if (e.type === "checkpoint") {
      let cp: ReturnType<typeof checkpointFields>;
      try {
        cp = checkpointFields(e.data, "checkpoint");
        if (opts.hostPub) verifyCheckpoint(e.data, opts.hostPub, "checkpoint");
      } catch (err) {
        throw corrupt("checkpoint", unit, at, e.seq, (err as Error).message);
      }
      if (cp.seq !== e.seq - 1 || cp.head !== e.prev)
        throw corrupt("checkpoint", unit, at, e.seq, "checkpoint does not cover the entry before it");
      if (opts.hostPub && every !== null && gap > every + MAX_TX_ENTRIES)
        throw missing(unit, gapStart, every);
      if (cp.v === 2) every = cp.every!;
      checkpoints++;
      checkpointedSeq = e.seq - 1;
      lastFinal = cp.final === true;
      gap = 0;
      gapStart = e.seq + 1;
    } else {
      gap++;
      lastFinal = false;
    }
    head = e.hash;
  }
  const seq = entries.length;
  const last = entries.at(-1);
  const closed = last !== undefined && last.type === "checkpoint" && lastFinal;
  if (src.highestPos !== undefined && src.lastPos !== undefined && src.highestPos > src.lastPos)
    throw corrupt(
      "truncated",
      unit,
      seq + 1,
      seq + 1,
      `rows after seq ${seq} were deleted (the table once held row ${src.highestPos})`,
    );
  if (opts.minSeq !== undefined && seq < opts.minSeq)
    throw corrupt(
      "truncated",
      unit,
      seq + 1,
      seq + 1,
      `expected entries up to seq ${opts.minSeq}, log ends at ${seq}`,
    );
  if (opts.hostPub && seq > 0) {
    if (every === null && !(opts.open && seq <= MAX_TX_ENTRIES))
      throw corrupt(
        "checkpoint-missing",
        unit,
        1,
        1,
        "no signed checkpoint (v2) covers the log (a JSON-lines log from before state.db: import it with `sigrun agent migrate-state`)",
      );
    if (every !== null && gap > every + MAX_TX_ENTRIES) throw missing(unit, gapStart, every);
    if (!closed && !opts.open)
      throw corrupt(
        "truncated",
        unit,
        seq + 1,
        seq + 1,
        `the log does not end with a final checkpoint: it was truncated, or its writer is still running or crashed ` +
          `(--open accepts a live log: ${seq - checkpointedSeq - (last?.type === "checkpoint" ? 1 : 0)} entries after seq ${checkpointedSeq} are unprotected)`,
      );
  }
  const lastCp = entries.findLastIndex((e) => e.type === "checkpoint");
  return {
    format: src.format,
    entries: entries.length,
    seq,
    head,
    checkpoints,
    checkpointedSeq,
    unsignedTail: entries.length - (lastCp + 1),
    closed,
    checkpointEvery: every,
    signaturesChecked: opts.hostPub !== undefined,
    tornTail: src.tornTail,
  };
}

function missing(unit: string, gapStart: number, every: number): SigrunError {
  const due = gapStart + every + MAX_TX_ENTRIES;
  return corrupt(
    "checkpoint-missing",
    unit,
    due,
    due,
    `no signed checkpoint within ${every + MAX_TX_ENTRIES} entries after seq ${gapStart - 1} (the writer's cadence is ${every})`,
  );
}

/** Says why entry i does not carry the sequence number its position calls for. */
function classifySeq(entries: readonly AuditEntry[], i: number, unit: string): SigrunError {
  const e = entries[i]!;
  const at = i + 1;
  const seqs = new Set<number>();
  let dup = false;
  let max = 0;
  for (const x of entries) {
    if (seqs.has(x.seq)) dup = true;
    seqs.add(x.seq);
    if (x.seq > max) max = x.seq;
  }
  if (dup) return corrupt("inserted", unit, at, e.seq, `expected seq ${at}; a sequence number appears twice`);
  if (entries.length > max)
    return corrupt("inserted", unit, at, e.seq, `expected seq ${at}; more entries than sequence numbers`);
  if (seqs.has(at))
    return corrupt("reordered", unit, at, e.seq, `expected seq ${at}; it appears later in the log`);
  return corrupt("deleted", unit, at, e.seq, `expected seq ${at}; entries ${at}..${e.seq - 1} are missing`);
}

/** Reads the entries of a log (syntax checked, chain not) for `sigrun audit show`. */
export function readAuditEntries(path: string): AuditEntry[] {
  const src = readAuditSource(path);
  if (src.malformed) throw corrupt("malformed", src.unit, src.malformed.index + 1, null, src.malformed.why);
  return [...src.entries];
}
