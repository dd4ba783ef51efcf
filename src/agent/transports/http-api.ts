import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DatabaseSync } from "node:sqlite";
import type { TLSSocket } from "node:tls";
import { isSigrunError, SigrunError } from "../../core/index.js";
import type { Agent } from "../agent.js";
import { getJob, jobJson, jobLog, jobOutput, jobReceipt, jobsPage, parseJobsQuery } from "../jobs-api.js";
import { renderMetrics } from "../metrics.js";
import { openAgentStateReadOnly } from "../state-db.js";

/** Who may use the HTTP API (docs/spec/agent-state.md §5). */
export interface HttpApiAuth {
  /** File holding the bearer token of the read-only role: GET /jobs…, /metrics. */
  readonly readTokenFile?: string;
  /** File holding the bearer token of the submit role: POST /execute (and everything read may do). */
  readonly submitTokenFile?: string;
}

export type ApiRole = "submit" | "read" | "anonymous";

const MIN_TOKEN_CHARS = 16;

function loadToken(file: string, what: string): Buffer {
  let t: string;
  try {
    t = readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
  if (t.length < MIN_TOKEN_CHARS || /\s/.test(t))
    throw new SigrunError(
      "USAGE",
      `${what} ${file}: expected one token of at least ${MIN_TOKEN_CHARS} characters`,
    );
  return createHash("sha256").update(t).digest();
}

const JOB_SUB_RE = /^\/jobs\/([0-9a-f]{32})\/(stdout|stderr|outputs\/(.+))$/;

/**
 * The agent's read API beside POST /execute: `GET /jobs?status=&since=&limit=&cursor=`, `GET /jobs/:id`
 * (receipt; JSON row + receipt with `Accept: application/json`), `GET /jobs/:id/stdout|stderr`,
 * `GET /jobs/:id/outputs/:name`, `GET /metrics`. Roles: a bearer token from the submit token file → submit;
 * from the read token file → read; a client certificate verified against `clientCa` → submit. Reading jobs,
 * logs, outputs and metrics needs read or submit; with no token file and no client CA they are refused.
 */
export class HttpApi {
  private readonly read?: Buffer;
  private readonly submit?: Buffer;
  private db: DatabaseSync | undefined;

  constructor(
    private readonly agent: Agent,
    auth: HttpApiAuth,
    private readonly clientCerts: boolean,
  ) {
    if (auth.readTokenFile) this.read = loadToken(auth.readTokenFile, "http.readTokenFile");
    if (auth.submitTokenFile) this.submit = loadToken(auth.submitTokenFile, "http.submitTokenFile");
  }

  /** True when a token file is configured (then POST /execute and GET /jobs/:id need a role too). */
  get tokens(): boolean {
    return this.read !== undefined || this.submit !== undefined;
  }

  role(req: IncomingMessage): ApiRole {
    const h = req.headers.authorization;
    const m = typeof h === "string" ? /^Bearer ([!-~]{1,512})$/.exec(h) : null;
    if (m) {
      const got = createHash("sha256").update(m[1]!).digest();
      if (this.submit && timingSafeEqual(got, this.submit)) return "submit";
      if (this.read && timingSafeEqual(got, this.read)) return "read";
      return "anonymous";
    }
    if (this.clientCerts && (req.socket as TLSSocket).authorized === true) return "submit";
    return "anonymous";
  }

  /** May this request submit? (POST /execute) */
  maySubmit(req: IncomingMessage): boolean {
    if (this.submit === undefined) return !this.tokens || this.role(req) !== "read";
    return this.role(req) === "submit";
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  /** Serves the read API; false when the path is not one of its routes. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const p = url.pathname;
    const isJob = /^\/jobs\/[0-9a-f]{32}$/.test(p);
    if (p !== "/jobs" && p !== "/metrics" && !JOB_SUB_RE.test(p) && !isJob) return false;
    if (req.method !== "GET") return send(res, 405, { error: "METHOD_NOT_ALLOWED" });
    const role = this.role(req);
    // GET /jobs/:id without any token or client CA configured stays open (submit --to … --wait polls it)
    const open = isJob && !this.tokens && !this.clientCerts;
    if (role === "anonymous" && !open) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="sigrun-agent"');
      return send(res, 401, {
        error: "UNAUTHORIZED",
        message:
          this.tokens || this.clientCerts
            ? "a read or submit token (Authorization: Bearer) or client certificate is required"
            : "the jobs API is off: configure http.readTokenFile (or a client CA)",
      });
    }
    try {
      this.db ??= openAgentStateReadOnly(this.agent.jobs.stateDir);
      const db = this.db;
      const dir = this.agent.jobs.stateDir;
      if (p === "/metrics") {
        const body = renderMetrics(db, { pending: this.agent.pendingCount() });
        return sendBody(res, 200, Buffer.from(body), "text/plain; version=0.0.4");
      }
      if (p === "/jobs") {
        const page = jobsPage(db, parseJobsQuery(url.searchParams));
        return send(res, 200, { jobs: page.jobs.map(jobJson), next: page.next });
      }
      if (isJob) {
        const id = p.slice(6);
        if (this.agent.isPending(id) && !getJobOrNull(db, id)?.hasReceipt)
          return send(res, 202, { job: id, state: "running" });
        const row = getJob(db, id);
        const receipt = jobReceipt(db, id);
        res.setHeader("X-Sigrun-Status", row.status);
        if (/application\/json/.test(req.headers.accept ?? ""))
          return send(res, 200, {
            job: jobJson(row),
            receipt: JSON.parse(Buffer.from(receipt).toString("utf8")),
          });
        return sendBody(res, 200, Buffer.from(receipt), "application/vnd.sigrun.receipt+json");
      }
      const m = JOB_SUB_RE.exec(p)!;
      const id = m[1]!;
      if (m[2] === "stdout" || m[2] === "stderr")
        return sendBody(res, 200, Buffer.from(jobLog(db, dir, id, m[2])), "application/octet-stream");
      const name = decodeURIComponent(m[3]!);
      return sendBody(res, 200, Buffer.from(jobOutput(db, dir, id, name)), "application/octet-stream");
    } catch (err) {
      if (!isSigrunError(err)) throw err;
      const status =
        err.code === "JOB_NOT_FOUND"
          ? 404
          : err.code === "USAGE"
            ? 400
            : err.code === "LIMIT_EXCEEDED"
              ? 413
              : 409;
      return send(res, status, { error: err.code, message: err.message });
    }
  }
}

function getJobOrNull(db: DatabaseSync, id: string) {
  try {
    return getJob(db, id);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, value: unknown): true {
  return sendBody(res, status, Buffer.from(`${JSON.stringify(value)}\n`), "application/json");
}

function sendBody(res: ServerResponse, status: number, body: Buffer, type: string): true {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": body.byteLength,
    "Cache-Control": "no-store",
  });
  res.end(body);
  return true;
}
