import type { DatabaseSync, StatementSync } from "node:sqlite";
import { SigrunError } from "../core/index.js";

/** `running`: a run started (marked before the run begins); `done`: a receipt exists; `interrupted`: was running at a crash. */
export type ReplayState = "running" | "done" | "interrupted";

const ID_RE = /^[0-9a-f]{32}$/;

/**
 * Bundle ids seen by this host (`replay` table of state.db), kept until the bundle's notAfter plus a margin.
 * Writes happen inside the agent's audit transactions, so "seen", the job row and the audit entry commit
 * together. A bundle still `running` when the agent died comes back `interrupted`: reported, never run again.
 */
export class ReplayStore {
  private readonly st: Record<"get" | "put" | "running" | "sweep", StatementSync>;

  constructor(readonly db: DatabaseSync) {
    this.st = {
      get: db.prepare("SELECT state FROM replay WHERE bundle_id = ?"),
      put: db.prepare(
        "INSERT INTO replay (bundle_id, state, expires, job_id) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT(bundle_id) DO UPDATE SET state = excluded.state, expires = max(expires, excluded.expires), " +
          "job_id = excluded.job_id",
      ),
      running: db.prepare("SELECT bundle_id FROM replay WHERE state = 'running'"),
      sweep: db.prepare("DELETE FROM replay WHERE expires < ? AND state <> 'running'"),
    };
  }

  get(id: string): ReplayState | undefined {
    return (this.st.get.get(id) as { state: ReplayState } | undefined)?.state;
  }

  /** Records a state (inside the caller's transaction). */
  set(id: string, state: ReplayState, expires: number, jobId: string): void {
    if (!ID_RE.test(id))
      throw new SigrunError("INPUT_INVALID", `bundle id: expected 32 hex digits, got ${JSON.stringify(id)}`);
    this.st.put.run(id, state, expires, jobId);
  }

  /** Ids left `running` by a process that died. */
  running(): string[] {
    return (this.st.running.all() as { bundle_id: string }[]).map((r) => r.bundle_id);
  }

  /** Forgets ids whose bundle expired more than the margin ago; returns how many. */
  sweep(now: number): number {
    return Number(this.st.sweep.run(now).changes);
  }

  size(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM replay").get() as { n: number }).n;
  }
}
