import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { migrateSchema, openDatabase, type SchemaSteps } from "../audit/index.js";
import { SigrunError } from "../core/index.js";

/** The agent's database in its state dir (docs/spec/agent-state.md). */
export const STATE_DB = "state.db";
/** Files of the JSON-lines layout that state.db replaced. */
export const LEGACY_STATE = ["audit.log", "replay.jsonl", "jobs"] as const;

/** The agent's tables; `steps[i]` upgrades schema version i to i + 1 (append, never edit, a step). */
export const AGENT_SCHEMA: SchemaSteps = {
  component: "agent",
  steps: [
    `CREATE TABLE jobs (
       id TEXT PRIMARY KEY,
       status TEXT NOT NULL,
       transport TEXT NOT NULL,
       bundle_id TEXT,
       submission_sha256 TEXT,
       bytes INTEGER NOT NULL,
       queued INTEGER NOT NULL,
       started INTEGER,
       finished INTEGER,
       error_code TEXT,
       audit_seq INTEGER,
       stdout_sha256 TEXT,
       stderr_sha256 TEXT,
       outputs TEXT,
       receipt BLOB
     );
     CREATE INDEX jobs_status ON jobs (status, queued);
     CREATE INDEX jobs_queued ON jobs (queued);
     CREATE INDEX jobs_bundle ON jobs (bundle_id);
     CREATE TABLE replay (
       bundle_id TEXT PRIMARY KEY,
       state TEXT NOT NULL CHECK (state IN ('running', 'done', 'interrupted')),
       expires INTEGER NOT NULL,
       job_id TEXT NOT NULL
     );
     CREATE INDEX replay_expires ON replay (expires);`,
  ],
};

/** Names the JSON-lines files of an older sigrun found in `stateDir` (empty when there are none). */
export function legacyStateFiles(stateDir: string): string[] {
  return LEGACY_STATE.filter((f) => existsSync(join(stateDir, f)));
}

/**
 * Opens `<stateDir>/state.db` for the agent (the caller holds the state dir's lock). A state dir of the
 * JSON-lines layout is refused: it must be imported once with `sigrun agent migrate-state DIR`.
 */
export function openAgentState(stateDir: string): DatabaseSync {
  const legacy = legacyStateFiles(stateDir);
  if (legacy.length > 0)
    throw new SigrunError(
      "STATE_MIGRATION_REQUIRED",
      `state dir ${stateDir} holds ${legacy.join(", ")} from an older sigrun: import it once with ` +
        `\`sigrun agent migrate-state ${stateDir}\` (the agent keeps its state in ${STATE_DB} now)`,
    );
  const db = openDatabase(join(stateDir, STATE_DB));
  try {
    migrateSchema(db, AGENT_SCHEMA);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Opens `<stateDir>/state.db` read-only, for tools that run beside the agent (`sigrun jobs list`, the jobs
 * API): WAL gives them a consistent snapshot without blocking it.
 */
export function openAgentStateReadOnly(stateDir: string): DatabaseSync {
  return openDatabase(join(stateDir, STATE_DB), { readOnly: true });
}
