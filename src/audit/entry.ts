import { canonicalJson, SigrunError, sha256Hex } from "../core/index.js";

/** Format version of one audit line (docs/spec/audit-log.md). */
export const AUDIT_VERSION = 1;
/** `prev` of the first entry. */
export const GENESIS_HASH = "0".repeat(64);
/** Cap on one encoded line, newline excluded. */
export const MAX_LINE_BYTES = 64 * 1024;

/** A JSON value as canonical JSON allows it (integers only). */
export type AuditValue =
  | string
  | number
  | boolean
  | null
  | readonly AuditValue[]
  | { readonly [k: string]: AuditValue };
/** An entry's `data`: a JSON object. */
export type AuditData = { readonly [k: string]: AuditValue };

/** One entry of the log: the hash commits to every other field, `prev` to the entry before. */
export interface AuditEntry {
  readonly v: number;
  readonly seq: number;
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
  readonly type: string;
  readonly data: AuditData;
  readonly prev: string;
  readonly hash: string;
}

const TYPE_RE = /^[a-z][a-z0-9-]{0,31}$/;
const HEX64_RE = /^[0-9a-f]{64}$/;

export function entryHash(e: Omit<AuditEntry, "hash">): string {
  const body = canonicalJson({ v: e.v, seq: e.seq, time: e.time, type: e.type, data: e.data, prev: e.prev });
  return sha256Hex(body);
}

export function makeEntry(
  seq: number,
  time: number,
  type: string,
  data: AuditData,
  prev: string,
): AuditEntry {
  if (!TYPE_RE.test(type))
    throw new SigrunError("INPUT_INVALID", `audit entry type: got ${JSON.stringify(type)}`);
  const base = { v: AUDIT_VERSION, seq, time, type, data, prev };
  return { ...base, hash: entryHash(base) };
}

/** The exact line written to the file (canonical JSON, no newline). */
export function encodeEntry(e: AuditEntry): string {
  const line = canonicalJson(e);
  if (Buffer.byteLength(line) > MAX_LINE_BYTES)
    throw new SigrunError("LIMIT_EXCEEDED", `audit entry: expected at most ${MAX_LINE_BYTES} bytes`);
  return line;
}

/** Parses one line strictly: known version, exact field set, canonical encoding. Throws AUDIT_CORRUPT. */
export function parseEntry(line: string, where: string): AuditEntry {
  const fail = (why: string): never => {
    throw new SigrunError("AUDIT_CORRUPT", `${where}: ${why}`);
  };
  if (line.length > MAX_LINE_BYTES) fail("line too long");
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return fail("not json");
  }
  const e = checkEntry(raw, where);
  if (canonicalJson(e) !== line) fail("not in canonical form");
  return e;
}

/** A database row of the `audit` table (docs/spec/audit-log.md §3). */
export interface AuditRow {
  readonly seq: unknown;
  readonly v: unknown;
  readonly time: unknown;
  readonly type: unknown;
  readonly data: unknown;
  readonly prev: unknown;
  readonly hash: unknown;
}

/** Rebuilds an entry from a database row, as strictly as `parseEntry` (data must be canonical JSON text). */
export function entryFromRow(row: AuditRow, where: string): AuditEntry {
  const fail = (why: string): never => {
    throw new SigrunError("AUDIT_CORRUPT", `${where}: ${why}`);
  };
  if (typeof row.data !== "string" || row.data.length > MAX_LINE_BYTES) return fail("data: expected text");
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    return fail("data: not json");
  }
  const e = checkEntry(
    { v: row.v, seq: row.seq, time: row.time, type: row.type, data, prev: row.prev, hash: row.hash },
    where,
  );
  if (canonicalJson(e.data) !== row.data) fail("data: not in canonical form");
  return e;
}

function checkEntry(raw: unknown, where: string): AuditEntry {
  const fail = (why: string): never => {
    throw new SigrunError("AUDIT_CORRUPT", `${where}: ${why}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("expected an object");
  const o = raw as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(",");
  if (keys !== "data,hash,prev,seq,time,type,v") fail(`unexpected fields ${keys}`);
  if (o.v !== AUDIT_VERSION) fail(`version: expected ${AUDIT_VERSION}, got ${String(o.v)}`);
  if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 1) fail("seq: expected a positive integer");
  if (!Number.isSafeInteger(o.time)) fail("time: expected an integer");
  if (typeof o.type !== "string" || !TYPE_RE.test(o.type)) fail("type: invalid");
  if (typeof o.prev !== "string" || !HEX64_RE.test(o.prev)) fail("prev: expected 64 hex digits");
  if (typeof o.hash !== "string" || !HEX64_RE.test(o.hash)) fail("hash: expected 64 hex digits");
  if (typeof o.data !== "object" || o.data === null || Array.isArray(o.data))
    fail("data: expected an object");
  try {
    canonicalJson(o.data);
  } catch {
    fail("data: not canonical json");
  }
  return o as unknown as AuditEntry;
}
