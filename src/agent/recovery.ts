import type { AuditLog } from "../audit/index.js";
import type { JobStore } from "./job-store.js";
import type { ReplayStore } from "./replay-store.js";

/** Jobs (and bundles) left running by a process that died: one transaction each marks them interrupted. */
export async function recoverInterrupted(
  audit: AuditLog,
  jobs: JobStore,
  replay: ReplayStore,
): Promise<void> {
  for (const j of jobs.running())
    await audit.transaction((tx) => {
      jobs.interrupt(j.id);
      if (j.bundleId) replay.set(j.bundleId, "interrupted", 0, j.id);
      tx.append("interrupted", { job: j.id, bundle: j.bundleId });
    });
  // a bundle marked running without a running job row (not written by this version): same treatment
  for (const id of replay.running())
    await audit.transaction((tx) => {
      replay.set(id, "interrupted", 0, "0".repeat(32));
      tx.append("interrupted", { job: null, bundle: id });
    });
}
