import type { DatabaseSync } from "node:sqlite";

/** Upper bounds (seconds) of the run-time histogram buckets. */
export const RUN_SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300] as const;
const STATUSES = ["running", "succeeded", "failed", "rejected", "interrupted"] as const;

/**
 * Prometheus text exposition (version 0.0.4) of an agent's state database: jobs by status, the run-time
 * histogram of finished runs, rejections by error code, queue depth and the audit chain's last sequence
 * number. Read from the database (one read transaction), so the agent and `sigrun jobs metrics --state`
 * report the same numbers. `pending` (received, not yet finished: queued + running) comes from the agent.
 */
export function renderMetrics(db: DatabaseSync, live: { pending?: number } = {}): string {
  const out: string[] = [];
  db.exec("BEGIN");
  try {
    const byStatus = new Map<string, number>();
    for (const r of db.prepare("SELECT status, count(*) AS n FROM jobs GROUP BY status").all() as {
      status: string;
      n: number;
    }[])
      byStatus.set(r.status, Number(r.n));
    out.push(
      "# HELP sigrun_agent_jobs Jobs in the state database by status.",
      "# TYPE sigrun_agent_jobs gauge",
    );
    for (const s of STATUSES) out.push(`sigrun_agent_jobs{status="${s}"} ${byStatus.get(s) ?? 0}`);

    const bucketSql = RUN_SECONDS_BUCKETS.map(
      (b, i) => `sum(CASE WHEN finished - started <= ${Math.round(b * 1000)} THEN 1 ELSE 0 END) AS b${i}`,
    ).join(", ");
    const h = db
      .prepare(
        `SELECT count(*) AS n, coalesce(sum(finished - started), 0) AS total, ${bucketSql} FROM jobs ` +
          "WHERE started IS NOT NULL AND finished IS NOT NULL",
      )
      .get() as Record<string, number | null>;
    out.push(
      "# HELP sigrun_agent_run_seconds Run time of finished jobs (started to finished).",
      "# TYPE sigrun_agent_run_seconds histogram",
    );
    RUN_SECONDS_BUCKETS.forEach((b, i) => {
      out.push(`sigrun_agent_run_seconds_bucket{le="${b}"} ${Number(h[`b${i}`] ?? 0)}`);
    });
    out.push(`sigrun_agent_run_seconds_bucket{le="+Inf"} ${Number(h.n ?? 0)}`);
    out.push(`sigrun_agent_run_seconds_sum ${Number(h.total ?? 0) / 1000}`);
    out.push(`sigrun_agent_run_seconds_count ${Number(h.n ?? 0)}`);

    out.push(
      "# HELP sigrun_agent_rejections Submissions rejected (never run), by error code.",
      "# TYPE sigrun_agent_rejections counter",
    );
    for (const r of db
      .prepare(
        "SELECT error_code AS code, count(*) AS n FROM jobs WHERE status = 'rejected' GROUP BY error_code ORDER BY error_code",
      )
      .all() as { code: string | null; n: number }[])
      out.push(`sigrun_agent_rejections{code="${r.code ?? "UNKNOWN"}"} ${Number(r.n)}`);

    const running = byStatus.get("running") ?? 0;
    out.push(
      "# HELP sigrun_agent_queue_depth Submissions received and not finished (waiting for a worker or running).",
      "# TYPE sigrun_agent_queue_depth gauge",
      `sigrun_agent_queue_depth ${live.pending ?? running}`,
    );
    const seq = db.prepare("SELECT max(seq) AS seq FROM audit").get() as { seq: number | null } | undefined;
    out.push(
      "# HELP sigrun_agent_audit_seq Sequence number of the last audit entry.",
      "# TYPE sigrun_agent_audit_seq gauge",
      `sigrun_agent_audit_seq ${Number(seq?.seq ?? 0)}`,
    );
  } finally {
    db.exec("COMMIT");
  }
  return `${out.join("\n")}\n`;
}
