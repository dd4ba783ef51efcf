import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { AuditLog, importJsonl, migrateSchema, openDatabase, readAuditEntries } from "../audit/index.js";
import { type ErrorCode, SigrunError, sha256Hex } from "../core/index.js";
import { loadOrCreateHostKey } from "./host-identity.js";
import { isJobId, JobStore } from "./job-store.js";
import { verifyReceipt } from "./receipt.js";
import { ReplayStore } from "./replay-store.js";
import { AGENT_SCHEMA, legacyStateFiles, STATE_DB } from "./state-db.js";
import { takeLock } from "./state-lock.js";

export interface MigrateReport {
  readonly stateDir: string;
  readonly auditEntries: number;
  readonly jobs: number;
  readonly replay: number;
  /** Where the JSON-lines files were moved (kept for reference; safe to delete once checked). */
  readonly legacyDir: string;
}

const BUNDLE_ID_RE = /^[0-9a-f]{32}$/;

/**
 * Imports a state dir of the JSON-lines layout (`audit.log`, `replay.jsonl`, `jobs/`) into `state.db` once:
 * the audit chain verbatim (checked, checkpoint signatures verified with the host key), the replay set
 * (a bundle still `running` becomes `interrupted`), every job with a receipt (verified with the host key),
 * stdout/stderr as blobs and work dirs under `work/`. The database is built under a temporary name and
 * renamed into place; the old files are then moved to `legacy-<time>/`. Holds the agent lock throughout.
 */
export async function migrateState(stateDir: string, now = Date.now()): Promise<MigrateReport> {
  const legacy = legacyStateFiles(stateDir);
  const dbPath = join(stateDir, STATE_DB);
  const lock = takeLock(stateDir);
  try {
    if (legacy.length === 0)
      throw new SigrunError(
        "USAGE",
        `state dir ${stateDir}: nothing to migrate (no audit.log, replay.jsonl or jobs/)`,
      );
    let counts = { auditEntries: 0, jobs: 0, replay: 0 };
    if (existsSync(dbPath)) {
      // an earlier run built state.db and stopped before moving the old files: finish only that
      if (!readAuditEntries(dbPath).some((e) => e.type === "migrated"))
        throw new SigrunError(
          "IO_ERROR",
          `state dir ${stateDir}: holds both ${STATE_DB} and ${legacy.join(", ")}; move one of them away`,
        );
    } else counts = await buildDb(stateDir, dbPath);
    const legacyDir = join(stateDir, `legacy-${new Date(now).toISOString().replace(/[:.]/g, "-")}`);
    moveLegacy(stateDir, legacyDir);
    return { stateDir, ...counts, legacyDir };
  } finally {
    rmSync(lock, { force: true });
  }
}

async function buildDb(stateDir: string, dbPath: string) {
  const identity = loadOrCreateHostKey(stateDir);
  const counts = { auditEntries: 0, jobs: 0, replay: 0 };
  const tmp = `${dbPath}.migrating`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const db = openDatabase(tmp);
  try {
    migrateSchema(db, AGENT_SCHEMA);
    const jobs = new JobStore(db, stateDir);
    const replay = new ReplayStore(db);
    const auditPath = join(stateDir, "audit.log");
    db.exec("BEGIN IMMEDIATE");
    let imported: ReturnType<typeof importJsonl>;
    try {
      imported = importJsonl(
        db,
        existsSync(auditPath) ? readFileSync(auditPath, "utf8") : "",
        identity.publicKey,
      );
      counts.replay = importReplay(join(stateDir, "replay.jsonl"), replay);
      counts.jobs = importJobs(stateDir, jobs, identity.publicKey);
      counts.auditEntries = imported.entries;
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
    const log = await AuditLog.attach(db, { signer: identity.signer, host: hostOf(db) });
    await log.append("migrated", {
      from: "json-lines",
      entries: imported.entries,
      tornBytes: imported.tornBytes,
      jobs: counts.jobs,
      replay: counts.replay,
    });
    await log.close();
    db.close();
  } catch (err) {
    db.close();
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    throw err;
  }
  renameSync(tmp, dbPath);
  return counts;
}

function hostOf(db: import("node:sqlite").DatabaseSync): string {
  const row = db.prepare("SELECT data FROM audit WHERE type = 'start' ORDER BY pos DESC LIMIT 1").get() as
    | { data: string }
    | undefined;
  const host = row ? (JSON.parse(row.data) as { host?: unknown }).host : undefined;
  return typeof host === "string" ? host : "";
}

/** The last state of each bundle id in replay.jsonl (a torn last line is skipped, as the old reader did). */
function importReplay(path: string, replay: ReplayStore): number {
  if (!existsSync(path)) return 0;
  const rows = new Map<string, { exp: number; st: string }>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    let r: { id?: unknown; exp?: unknown; st?: unknown };
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof r.id !== "string" || !BUNDLE_ID_RE.test(r.id) || typeof r.exp !== "number") continue;
    rows.set(r.id, { exp: r.exp, st: String(r.st) });
  }
  for (const [id, r] of rows) replay.set(id, r.st === "done" ? "done" : "interrupted", r.exp, "0".repeat(32));
  return rows.size;
}

function importJobs(
  stateDir: string,
  jobs: JobStore,
  hostPub: import("../keys/index.js").PublicKeyInfo,
): number {
  const root = join(stateDir, "jobs");
  if (!existsSync(root)) return 0;
  let n = 0;
  for (const id of readdirSync(root).sort()) {
    if (!isJobId(id)) continue;
    const dir = join(root, id);
    const receiptPath = join(dir, "receipt.json");
    const blob = (name: string): string | null => {
      const p = join(dir, name);
      if (!existsSync(p)) return null;
      const data = readFileSync(p);
      const sha = sha256Hex(data);
      mkdirSync(join(stateDir, "blobs"), { recursive: true, mode: 0o700 });
      if (!existsSync(jobs.blobPath(sha))) writeFileSync(jobs.blobPath(sha), data, { mode: 0o600 });
      return sha;
    };
    if (!existsSync(receiptPath)) {
      // ran (or started) without a receipt: the old agent died during it
      jobs.insert({
        id,
        status: "interrupted",
        transport: "unknown",
        bundleId: null,
        submissionSha256: null,
        bytes: 0,
        queued: Math.trunc(statSync(dir).mtimeMs),
        started: null,
      });
      n++;
      continue;
    }
    const bytes = new Uint8Array(readFileSync(receiptPath));
    let st: ReturnType<typeof verifyReceipt>;
    try {
      st = verifyReceipt(bytes, hostPub);
    } catch (err) {
      throw new SigrunError("RECEIPT_INVALID", `jobs/${id}/receipt.json: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const p = st.predicate;
    const time = (t: string | null) => (t === null ? null : Date.parse(t));
    jobs.insert({
      id,
      status: p.status,
      transport: p.job.transport,
      bundleId: p.bundle?.id ?? null,
      submissionSha256: p.job.submissionSha256,
      bytes: 0,
      queued: Date.parse(p.times.queued),
      started: time(p.times.started),
    });
    jobs.end(id, {
      status: p.status,
      finished: Date.parse(p.times.finished),
      errorCode: (p.error?.code ?? null) as ErrorCode | null,
      auditSeq: p.audit.seq,
      stdoutSha256: blob("stdout"),
      stderrSha256: blob("stderr"),
      outputs: st.subject
        .filter((s) => s.name.startsWith("outputs/"))
        .map((s) => ({ name: s.name.slice("outputs/".length), sha256: s.digest.sha256 })),
      receipt: bytes,
    });
    n++;
  }
  return n;
}

/** Moves each job's work dir to `work/<job>` and the JSON-lines files into `legacyDir` (idempotent). */
function moveLegacy(stateDir: string, legacyDir: string): void {
  const root = join(stateDir, "jobs");
  mkdirSync(join(stateDir, "work"), { recursive: true, mode: 0o700 });
  if (existsSync(root))
    for (const id of readdirSync(root)) {
      const from = join(root, id, "work");
      const to = join(stateDir, "work", id);
      if (isJobId(id) && existsSync(from) && !existsSync(to)) renameSync(from, to);
    }
  mkdirSync(legacyDir, { recursive: true, mode: 0o700 });
  for (const f of legacyStateFiles(stateDir)) renameSync(join(stateDir, f), join(legacyDir, f));
}
