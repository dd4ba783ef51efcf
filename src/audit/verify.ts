import { readFileSync } from "node:fs";
import { SigrunError } from "../core/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import { verifyCheckpoint } from "./checkpoint.js";
import { type AuditEntry, entryHash, GENESIS_HASH, parseEntry } from "./entry.js";

export interface AuditVerifyOptions {
  /** Host public key: checkpoint signatures are checked with it (without it only the chain is checked). */
  readonly hostPub?: PublicKeyInfo;
  /** The log must reach at least this sequence number (e.g. from a receipt); fewer → truncated. */
  readonly minSeq?: number;
  /** Cap on the file size read (default 1 GiB). */
  readonly maxBytes?: number;
}

export interface AuditVerifyReport {
  readonly entries: number;
  readonly seq: number;
  readonly head: string;
  readonly checkpoints: number;
  /** Sequence number covered by the last signed checkpoint (0 if none). */
  readonly checkpointedSeq: number;
  /** Entries after the last checkpoint: only the chain protects them. */
  readonly unsignedTail: number;
  /** A torn last line (crash during append) that the next open will cut and record. */
  readonly tornTail: boolean;
}

export type AuditProblem =
  | "malformed"
  | "edited"
  | "deleted"
  | "inserted"
  | "reordered"
  | "truncated"
  | "checkpoint";

function corrupt(problem: AuditProblem, line: number, seq: number | undefined, why: string): SigrunError {
  return new SigrunError(
    "AUDIT_CORRUPT",
    `audit log line ${line}${seq === undefined ? "" : ` (seq ${seq})`}: ${problem}: ${why}`,
    {
      details: { problem, line, seq: seq ?? null },
    },
  );
}

/** Reads and checks a whole audit log file. Throws AUDIT_CORRUPT naming the first bad line and what happened. */
export function verifyAuditFile(path: string, opts: AuditVerifyOptions = {}): AuditVerifyReport {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new SigrunError("IO_ERROR", `audit log ${path}: ${(err as NodeJS.ErrnoException).code}`, {
      cause: err,
    });
  }
  if (buf.length > (opts.maxBytes ?? 1 << 30))
    throw new SigrunError("LIMIT_EXCEEDED", `audit log ${path}: too large`);
  return verifyAuditText(buf.toString("utf8"), opts);
}

export function verifyAuditText(text: string, opts: AuditVerifyOptions = {}): AuditVerifyReport {
  const lines = text.split("\n");
  const torn = lines.pop() ?? "";
  const entries: AuditEntry[] = lines.map((l, i) => {
    try {
      return parseEntry(l, `audit log line ${i + 1}`);
    } catch (err) {
      throw corrupt("malformed", i + 1, undefined, (err as Error).message);
    }
  });
  let head = GENESIS_HASH;
  let checkpoints = 0;
  let checkpointedSeq = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const line = i + 1;
    const expected = i + 1;
    if (e.seq !== expected) throw classifySeq(entries, i);
    if (entryHash(e) !== e.hash)
      throw corrupt("edited", line, e.seq, "hash does not match the entry's content");
    if (e.prev !== head) {
      throw corrupt(
        "edited",
        line - 1,
        e.seq - 1,
        "rewritten: the next entry's prev does not match its hash",
      );
    }
    if (e.type === "checkpoint") {
      if (e.data.seq !== e.seq - 1 || e.data.head !== e.prev)
        throw corrupt("checkpoint", line, e.seq, "checkpoint does not cover the entry before it");
      if (opts.hostPub) {
        try {
          verifyCheckpoint(e.data, opts.hostPub, `audit log line ${line}`);
        } catch (err) {
          throw corrupt("checkpoint", line, e.seq, (err as Error).message);
        }
      }
      checkpoints++;
      checkpointedSeq = e.seq - 1;
    }
    head = e.hash;
  }
  const seq = entries.length;
  if (opts.minSeq !== undefined && seq < opts.minSeq)
    throw corrupt(
      "truncated",
      entries.length + 1,
      seq + 1,
      `expected entries up to seq ${opts.minSeq}, log ends at ${seq}`,
    );
  const lastCp = entries.findLastIndex((e) => e.type === "checkpoint");
  return {
    entries: entries.length,
    seq,
    head,
    checkpoints,
    checkpointedSeq,
    unsignedTail: entries.length - (lastCp + 1),
    tornTail: torn.length > 0,
  };
}

/** Says why entry i does not carry the sequence number its position calls for. */
function classifySeq(entries: AuditEntry[], i: number): SigrunError {
  const e = entries[i]!;
  const line = i + 1;
  const seqs = new Set<number>();
  let dup = false;
  for (const x of entries) {
    if (seqs.has(x.seq)) dup = true;
    seqs.add(x.seq);
  }
  if (dup) return corrupt("inserted", line, e.seq, `expected seq ${i + 1}; a sequence number appears twice`);
  const max = Math.max(...seqs);
  if (entries.length > max)
    return corrupt("inserted", line, e.seq, `expected seq ${i + 1}; more entries than sequence numbers`);
  if (seqs.has(i + 1))
    return corrupt("reordered", line, e.seq, `expected seq ${i + 1}; it appears later in the file`);
  return corrupt("deleted", line, e.seq, `expected seq ${i + 1}; entries ${i + 1}..${e.seq - 1} are missing`);
}

/** Reads the entries of a log (checked) for `sigrun audit show`. */
export function readAuditEntries(path: string): AuditEntry[] {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  lines.pop();
  return lines.map((l, i) => parseEntry(l, `audit log line ${i + 1}`));
}
