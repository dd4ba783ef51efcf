import { SigrunError } from "../../core/index.js";
import { httpGet } from "./http-submit.js";

export { readTokenFile } from "../../core/index.js";

export interface RemoteApi {
  readonly to: string;
  readonly token?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly timeoutMs?: number;
}

/** GET from the agent's jobs API; an error answer becomes the SigrunError it names. */
export async function apiGet(o: RemoteApi, path: string, accept?: string): Promise<Buffer> {
  const res = await httpGet(o, path, accept);
  if (res.status === 200) return res.body;
  if (res.status === 202) throw new SigrunError("JOB_NOT_FOUND", `${path}: the job is still running`);
  let code = "TRANSPORT_ERROR";
  let message = `${path}: HTTP ${res.status}`;
  try {
    const j = JSON.parse(res.body.toString("utf8")) as { error?: string; message?: string };
    if (
      j.error === "UNAUTHORIZED" ||
      j.error === "JOB_NOT_FOUND" ||
      j.error === "USAGE" ||
      j.error === "DIGEST_MISMATCH"
    )
      code = j.error;
    if (j.message) message = `${path}: ${j.message}`;
  } catch {
    // not JSON: keep the status
  }
  throw new SigrunError(code as "TRANSPORT_ERROR", message);
}

/** The same job queries over the agent's HTTP API or its state dir (read-only, beside a running agent). */
export interface JobsSource {
  list(
    q: Record<string, string | undefined>,
  ): Promise<{ jobs: Record<string, unknown>[]; next: string | null }>;
  show(id: string): Promise<{ job: Record<string, unknown>; receipt: Uint8Array | null }>;
  log(id: string, which: "stdout" | "stderr"): Promise<Uint8Array>;
  output(id: string, name: string): Promise<Uint8Array>;
  metrics(): Promise<string>;
  close(): void;
}

export function remoteJobs(o: RemoteApi): JobsSource {
  const q = (p: Record<string, string | undefined>): string => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) if (v !== undefined) s.set(k, v);
    const t = s.toString();
    return t ? `?${t}` : "";
  };
  return {
    list: async (p) => JSON.parse((await apiGet(o, `/jobs${q(p)}`)).toString("utf8")),
    show: async (id) => {
      const j = JSON.parse((await apiGet(o, `/jobs/${id}`, "application/json")).toString("utf8")) as {
        job: Record<string, unknown>;
        receipt: unknown;
      };
      return {
        job: j.job,
        receipt: j.receipt ? new Uint8Array(Buffer.from(`${JSON.stringify(j.receipt)}\n`)) : null,
      };
    },
    log: async (id, which) => new Uint8Array(await apiGet(o, `/jobs/${id}/${which}`)),
    output: async (id, name) =>
      new Uint8Array(
        await apiGet(o, `/jobs/${id}/outputs/${name.split("/").map(encodeURIComponent).join("/")}`),
      ),
    metrics: async () => (await apiGet(o, "/metrics")).toString("utf8"),
    close: () => undefined,
  };
}

export async function localJobs(stateDir: string): Promise<JobsSource> {
  const { openAgentStateReadOnly } = await import("../state-db.js");
  const api = await import("../jobs-api.js");
  const { renderMetrics } = await import("../metrics.js");
  const db = openAgentStateReadOnly(stateDir);
  return {
    list: async (p) => {
      const page = api.jobsPage(db, api.parseJobsQuery(p));
      return { jobs: page.jobs.map(api.jobJson), next: page.next };
    },
    show: async (id) => {
      const row = api.getJob(db, id);
      return { job: api.jobJson(row), receipt: row.hasReceipt ? api.jobReceipt(db, id) : null };
    },
    log: async (id, which) => api.jobLog(db, stateDir, id, which),
    output: async (id, name) => api.jobOutput(db, stateDir, id, name),
    metrics: async () => renderMetrics(db),
    close: () => db.close(),
  };
}
