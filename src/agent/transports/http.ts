import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import busboy from "busboy";
import type { Agent, JobResult } from "../agent.js";
import type { ClientRoleRule, TokenRule } from "../api-roles.js";
import { readCapped } from "../read-capped.js";
import { SealedHttp } from "../sealed-http.js";
import { HttpApi } from "./http-api.js";
import type { Transport } from "./transport.js";

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  /** PEM files; with both, the server speaks TLS. */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** PEM CA bundle: clients must present a certificate it issued. */
  readonly clientCa?: string;
  /**
   * Longest a request may stall while it arrives: no byte of its headers or body for this long closes the
   * connection (default 60 s). A large upload may take as long as it needs while bytes keep coming.
   */
  readonly idleTimeoutMs?: number;
  /** Bearer token files of the read and submit roles (the jobs API, http-api.ts). */
  readonly readTokenFile?: string;
  readonly submitTokenFile?: string;
  /** More token files, each with its role. */
  readonly tokens?: readonly TokenRule[];
  /** Roles of client certificates (with `clientCa`); a certificate no rule names gets no role. */
  readonly clientRoles?: readonly ClientRoleRule[];
}

const JOB_PATH_RE = /^\/jobs\/([0-9a-f]{32})$/;

/** HTTP status for a job result: the body is always the signed receipt. */
export function httpStatusFor(r: JobResult): number {
  if (r.status === "succeeded" || r.status === "failed") return 200;
  if (r.errorCode === "TOO_LARGE") return 413;
  if (r.errorCode === "REPLAY" || r.errorCode === "INTERRUPTED") return 409;
  return 422;
}

/**
 * HTTP(S) transport: `POST /execute` (raw body, or multipart with a `bundle` file and an optional `sig`
 * file for the classic openssl form), read as a stream with the agent's size cap — never more than the cap
 * is held. `?wait=0` answers 202 with the job id at once; otherwise the answer is the receipt.
 * `GET /jobs/:id` (receipt, or 202 while running), `GET /healthz`, `GET /host`.
 */
export class HttpTransport implements Transport {
  readonly name = "http";
  private server: Server | undefined;
  private agent: Agent | undefined;
  private readonly jobs = new Set<Promise<unknown>>();
  private readonly sealed = new SealedHttp();
  private api: HttpApi | undefined;

  constructor(private readonly opts: HttpOptions) {}

  describe(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    const scheme = this.opts.tlsCert ? "https" : "http";
    return a
      ? `${scheme}://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`
      : `${scheme}://${this.opts.host}:${this.opts.port}`;
  }

  /** The bound port (after start). */
  port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(agent: Agent): Promise<void> {
    this.agent = agent;
    this.api = new HttpApi(agent, this.opts, Boolean(this.opts.tlsCert && this.opts.clientCa));
    const idleMs = this.opts.idleTimeoutMs ?? 60_000;
    // The request on each connection, for the idle watchdog below.
    const inFlight = new WeakMap<Socket, IncomingMessage>();
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      inFlight.set(req.socket, req);
      res.once("finish", () => inFlight.delete(req.socket));
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) sendJson(res, 500, { error: "INTERNAL" });
        else res.destroy();
        process.stderr.write(`sigrun agent: http: ${(err as Error).message}\n`);
      });
    };
    const server =
      this.opts.tlsCert && this.opts.tlsKey
        ? createHttpsServer(
            {
              cert: readFileSync(this.opts.tlsCert),
              key: readFileSync(this.opts.tlsKey),
              ...(this.opts.clientCa
                ? { ca: readFileSync(this.opts.clientCa), requestCert: true, rejectUnauthorized: true }
                : {}),
            },
            handler,
          )
        : createHttpServer(handler);
    // An idle watchdog, not a whole-request deadline (a 1 GiB sealed job over a slow link is legitimate):
    // a connection that sends nothing for idleMs while its request is incomplete, or between requests,
    // is closed; one whose request has fully arrived is waiting for its answer (`?wait=1`, a sealed job
    // running) and is kept.
    server.requestTimeout = 0;
    server.headersTimeout = Math.min(idleMs, 20_000);
    server.timeout = idleMs;
    server.on("timeout", (socket: Socket) => {
      if (inFlight.get(socket)?.complete) return;
      socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
    });
    await Promise.allSettled([...this.jobs]);
    this.api?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const agent = this.agent!;
    const url = new URL(req.url ?? "/", "http://agent");
    if (req.method === "GET" && url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
    if (req.method === "GET" && url.pathname === "/host") {
      return sendJson(res, 200, {
        hostId: agent.hostId,
        groups: agent.groups,
        receiptKey: {
          keyId: agent.identity.publicKey.keyId,
          algorithm: "ed25519",
          publicKeyPem: agent.identity.publicKeyPem,
        },
      });
    }
    if (this.api?.handle(req, res, url)) return;
    const jm = JOB_PATH_RE.exec(url.pathname);
    if (req.method === "GET" && jm) {
      const receipt = agent.jobs.receipt(jm[1]!);
      if (receipt) return sendBytes(res, 200, receipt);
      if (agent.isPending(jm[1]!)) return sendJson(res, 202, { job: jm[1], state: "running" });
      return sendJson(res, 404, { error: "NOT_FOUND" });
    }
    // a sealed job is a submission like POST /execute: when the API has roles (token files or client
    // certificates), the offer and the release need the submit role (`sigrun host add --agent … --token-file`)
    if (
      req.method === "POST" &&
      url.pathname.startsWith("/sealed/") &&
      this.api &&
      !this.api.maySubmit(req)
    ) {
      res.setHeader("Connection", "close");
      return sendJson(res, 401, { error: "UNAUTHORIZED", message: "the submit role is required" });
    }
    if (await this.sealed.handle(agent, req, res, url.pathname)) return;
    if (url.pathname === "/execute") {
      if (req.method !== "POST") return sendJson(res, 405, { error: "METHOD_NOT_ALLOWED" });
      if (this.api && !this.api.maySubmit(req)) {
        res.setHeader("Connection", "close");
        return sendJson(res, 401, { error: "UNAUTHORIZED", message: "the submit role is required" });
      }
      return this.execute(req, res, url.searchParams.get("wait") !== "0");
    }
    return sendJson(res, 404, { error: "NOT_FOUND" });
  }

  private async execute(req: IncomingMessage, res: ServerResponse, wait: boolean): Promise<void> {
    const agent = this.agent!;
    const queuedAt = Date.now();
    const cap = agent.maxBundleBytes;
    const type = req.headers["content-type"] ?? "";
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    let body: { bytes: Uint8Array; sig?: Uint8Array; tooLarge: boolean };
    if (/^multipart\/form-data/i.test(type)) body = await readMultipart(req, cap);
    else if (Number.isFinite(declared) && declared > cap) body = { bytes: new Uint8Array(0), tooLarge: true };
    else body = await readCapped(req, cap);
    if (body.tooLarge) res.setHeader("Connection", "close");
    const jobId = randomBytes(16).toString("hex");
    const p = agent.submit({ ...body, transport: "http", queuedAt, jobId });
    this.jobs.add(p);
    void p.finally(() => this.jobs.delete(p)).catch(() => undefined);
    if (!wait) {
      p.catch(() => undefined);
      res.setHeader("Location", `/jobs/${jobId}`);
      sendJson(res, 202, { job: jobId });
      if (body.tooLarge) res.once("finish", () => req.destroy());
      return;
    }
    const r = await p;
    res.setHeader("X-Sigrun-Job", r.jobId);
    res.setHeader("X-Sigrun-Status", r.status);
    if (r.errorCode) res.setHeader("X-Sigrun-Error", r.errorCode);
    sendBytes(res, httpStatusFor(r), r.receipt);
    if (body.tooLarge) res.once("finish", () => req.destroy());
  }
}

/** Streams a multipart body through busboy: one `bundle` file and an optional `sig` file, each capped. */
function readMultipart(
  req: IncomingMessage,
  cap: number,
): Promise<{ bytes: Uint8Array; sig?: Uint8Array; tooLarge: boolean }> {
  return new Promise((resolve) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: cap, files: 2, fields: 0, parts: 2, headerPairs: 20 },
      });
    } catch {
      resolve({ bytes: new Uint8Array(0), tooLarge: false });
      return;
    }
    const parts = new Map<string, Buffer[]>();
    let tooLarge = false;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      const join = (name: string): Uint8Array | undefined => {
        const c = parts.get(name);
        return c ? new Uint8Array(Buffer.concat(c)) : undefined;
      };
      if (tooLarge) {
        req.unpipe(bb);
        resolve({ bytes: new Uint8Array(0), tooLarge: true });
        return;
      }
      resolve({ bytes: join("bundle") ?? new Uint8Array(0), sig: join("sig"), tooLarge: false });
    };
    bb.on("file", (name, stream) => {
      if ((name !== "bundle" && name !== "sig") || parts.has(name)) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      parts.set(name, chunks);
      stream.on("data", (c: Buffer) => {
        if (!tooLarge) chunks.push(c);
      });
      stream.on("limit", () => {
        tooLarge = true;
        chunks.length = 0;
        finish();
      });
    });
    bb.on("close", finish);
    bb.on("error", () => finish());
    req.on("error", () => finish());
    req.pipe(bb);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendBytes(res, status, new Uint8Array(Buffer.from(`${JSON.stringify(value)}\n`)), "application/json");
}

function sendBytes(
  res: ServerResponse,
  status: number,
  body: Uint8Array,
  type = "application/vnd.sigrun.receipt+json",
): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": body.byteLength,
    "Cache-Control": "no-store",
  });
  res.end(body);
}
