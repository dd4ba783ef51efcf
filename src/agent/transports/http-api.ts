import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DatabaseSync } from "node:sqlite";
import type { TLSSocket } from "node:tls";
import { isSigrunError, SigrunError, sha256 } from "../../core/index.js";
import type { Agent } from "../agent.js";
import {
  type ApiRole,
  type ClientRoleRule,
  loadTokenDigest,
  roleOfCertificate,
  type TokenRule,
} from "../api-roles.js";
import {
  getJob,
  jobJson,
  jobLog,
  jobOutput,
  jobReceipt,
  jobsPage,
  jobsPageJson,
  parseJobsQuery,
} from "../jobs-api.js";
import { renderMetrics } from "../metrics.js";
import { openAgentStateReadOnly } from "../state-db.js";

/** Who may use the HTTP API (docs/spec/agent-state.md §5). */
export interface HttpApiAuth {
  /** File holding the bearer token of the read-only role: GET /jobs…, /metrics. */
  readonly readTokenFile?: string;
  /** File holding the bearer token of the submit role: POST /execute (and everything read may do). */
  readonly submitTokenFile?: string;
  /** More token files, each with its role. */
  readonly tokens?: readonly TokenRule[];
  /** Roles of client certificates (with a client CA); a certificate no rule names has no role. */
  readonly clientRoles?: readonly ClientRoleRule[];
}

export type { ApiRole };

const JOB_SUB_RE = /^\/jobs\/([0-9a-f]{32})\/(stdout|stderr|outputs\/(.+))$/;

/**
 * The agent's read API beside POST /execute: `GET /jobs?status=&since=&limit=&cursor=`, `GET /jobs/:id`
 * (receipt; JSON row + receipt with `Accept: application/json`), `GET /jobs/:id/stdout|stderr`,
 * `GET /jobs/:id/outputs/:name`, `GET /metrics`. Roles: a bearer token from a token file → that file's
 * role; a client certificate verified against `clientCa` → the role `clientRoles` gives it (none if no rule
 * names it). Reading jobs, logs, outputs and metrics needs read or submit; with no token file and no client
 * CA they are refused. POST /execute needs submit as soon as a submit token file or a client CA is set.
 */
export class HttpApi {
  private readonly tokenTable: { digest: Uint8Array; role: ApiRole }[] = [];
  private readonly clientRoles: readonly ClientRoleRule[];
  private db: DatabaseSync | undefined;

  constructor(
    private readonly agent: Agent,
    auth: HttpApiAuth,
    private readonly clientCerts: boolean,
  ) {
    if (auth.readTokenFile)
      this.tokenTable.push({
        digest: loadTokenDigest(auth.readTokenFile, "http.readTokenFile"),
        role: "read",
      });
    if (auth.submitTokenFile)
      this.tokenTable.push({
        digest: loadTokenDigest(auth.submitTokenFile, "http.submitTokenFile"),
        role: "submit",
      });
    for (const t of auth.tokens ?? [])
      this.tokenTable.push({ digest: loadTokenDigest(t.file, "http.tokens file"), role: t.role });
    this.clientRoles = auth.clientRoles ?? [];
    if (!clientCerts && this.clientRoles.length > 0)
      throw new SigrunError(
        "USAGE",
        "agent: client certificate roles need TLS with a client CA (--tls-cert, --tls-key, --client-ca)",
      );
    if (clientCerts && this.tokenTable.length === 0 && this.clientRoles.length === 0)
      throw new SigrunError(
        "USAGE",
        "agent: --client-ca gives no role by itself: name certificates with --client-role read|submit=sha256:FP|cn:NAME|san:TYPE:VALUE " +
          "(http.clientRoles) or add a token file",
      );
  }

  /** True when clients must present a certificate (TLS with a client CA). */
  get clientCertsOn(): boolean {
    return this.clientCerts;
  }

  /** True when a token file is configured (then POST /execute and GET /jobs/:id need a role too). */
  get tokens(): boolean {
    return this.tokenTable.length > 0;
  }

  /** The role of a request: its bearer token's when it sends one, else its client certificate's. */
  role(req: IncomingMessage): ApiRole | "anonymous" {
    const h = req.headers.authorization;
    const m = typeof h === "string" ? /^Bearer ([!-~]{1,512})$/.exec(h) : null;
    if (m) {
      const got = sha256(m[1] ?? "");
      let role: ApiRole | "anonymous" = "anonymous";
      // every entry is compared (no early exit); the same token in a read and a submit file is submit
      for (const t of this.tokenTable) if (timingSafeEqual(got, t.digest) && role !== "submit") role = t.role;
      return role;
    }
    const sock = req.socket as TLSSocket;
    if (this.clientCerts && sock.authorized === true)
      return roleOfCertificate(this.clientRoles, sock.getPeerCertificate()) ?? "anonymous";
    return "anonymous";
  }

  /** May this request submit? (POST /execute) */
  maySubmit(req: IncomingMessage): boolean {
    const gated = this.clientCerts || this.tokenTable.some((t) => t.role === "submit");
    if (!gated) return !this.tokens || this.role(req) !== "read";
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
        return send(res, 200, jobsPageJson(page));
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
