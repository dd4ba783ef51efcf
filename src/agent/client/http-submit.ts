import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { SigrunError } from "../../core/index.js";

export interface HttpSubmitOptions {
  /** Base URL of the agent (`http://host:8080`, `https://host:8443`). */
  readonly to: string;
  readonly bundle: Uint8Array;
  /** Detached signature: sent as multipart `bundle` + `sig`. */
  readonly sig?: Uint8Array;
  /** Wait for the receipt (default) or return the job id at once. */
  readonly wait: boolean;
  readonly timeoutMs?: number;
  /** PEM files for TLS: CA to trust, client certificate and key. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Bearer token (read from a file by the caller; never on argv). */
  readonly token?: string;
}

export interface HttpSubmitResult {
  readonly status: number;
  readonly jobId: string | undefined;
  /** Receipt bytes when waited for. */
  readonly receipt: Uint8Array | undefined;
}

const MAX_REPLY = 2 * 1024 * 1024;

/** Client of the agent's HTTP transport (`sigrun submit --to`). */
export async function httpSubmit(o: HttpSubmitOptions): Promise<HttpSubmitResult> {
  const url = new URL(`/execute${o.wait ? "" : "?wait=0"}`, o.to);
  let body: Buffer;
  let type: string;
  if (o.sig) {
    const boundary = `sigrun-${randomBytes(12).toString("hex")}`;
    const part = (name: string, data: Uint8Array): Buffer =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        data,
        Buffer.from("\r\n"),
      ]);
    body = Buffer.concat([part("bundle", o.bundle), part("sig", o.sig), Buffer.from(`--${boundary}--\r\n`)]);
    type = `multipart/form-data; boundary=${boundary}`;
  } else {
    body = Buffer.from(o.bundle.buffer, o.bundle.byteOffset, o.bundle.byteLength);
    type = "application/vnd.sigrun.bundle";
  }
  const res = await send(url, "POST", o, body, type);
  if (res.status === 202) {
    const j = JSON.parse(res.body.toString("utf8")) as { job?: string };
    return { status: res.status, jobId: j.job, receipt: undefined };
  }
  if (res.status === 401)
    throw new SigrunError(
      "UNAUTHORIZED",
      `${url.host}: the agent wants a submit token (--token-file) or certificate`,
    );
  const ct = res.headers["content-type"] ?? "";
  if (!ct.startsWith("application/vnd.sigrun.receipt+json"))
    throw new SigrunError("TRANSPORT_ERROR", `agent answered ${res.status} without a receipt`);
  return {
    status: res.status,
    jobId: res.headers["x-sigrun-job"] as string | undefined,
    receipt: new Uint8Array(res.body),
  };
}

/** GET /jobs/:id: the receipt, or undefined while the job runs. */
export async function httpJobReceipt(
  o: Omit<HttpSubmitOptions, "bundle" | "wait">,
  jobId: string,
): Promise<Uint8Array | undefined> {
  const res = await send(new URL(`/jobs/${jobId}`, o.to), "GET", o);
  if (res.status === 202) return undefined;
  if (res.status === 401) throw new SigrunError("UNAUTHORIZED", `GET /jobs/${jobId}: a token is required`);
  if (res.status !== 200) throw new SigrunError("TRANSPORT_ERROR", `GET /jobs/${jobId}: ${res.status}`);
  return new Uint8Array(res.body);
}

/** GET a path of the agent's API (`sigrun jobs --to`): status, headers and body (capped). */
export function httpGet(
  o: { to: string; timeoutMs?: number; ca?: string; cert?: string; key?: string; token?: string },
  path: string,
  accept?: string,
): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> {
  return send(new URL(path, o.to), "GET", o, undefined, undefined, accept, 64 * 1024 * 1024);
}

function send(
  url: URL,
  method: string,
  o: { timeoutMs?: number; ca?: string; cert?: string; key?: string; token?: string },
  body?: Buffer,
  type?: string,
  accept?: string,
  maxReply = MAX_REPLY,
): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> {
  const tls = url.protocol === "https:";
  if (!tls && url.protocol !== "http:")
    throw new SigrunError("USAGE", `--to: expected an http:// or https:// URL, got ${url.protocol}`);
  const req = (tls ? httpsRequest : httpRequest)(url, {
    method,
    headers: {
      ...(body ? { "Content-Type": type, "Content-Length": body.byteLength } : {}),
      ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}),
      ...(accept ? { Accept: accept } : {}),
    },
    timeout: o.timeoutMs ?? 120_000,
    ...(tls
      ? {
          ca: o.ca ? readFileSync(o.ca) : undefined,
          cert: o.cert ? readFileSync(o.cert) : undefined,
          key: o.key ? readFileSync(o.key) : undefined,
        }
      : {}),
  });
  return new Promise((resolve, reject) => {
    req.on("timeout", () => req.destroy(new SigrunError("TIMEOUT", `${url.host}: no answer in time`)));
    req.on("error", (err) =>
      reject(
        err instanceof SigrunError
          ? err
          : new SigrunError("TRANSPORT_ERROR", `${url.host}: ${(err as Error).message}`, { cause: err }),
      ),
    );
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on("data", (c: Buffer) => {
        n += c.byteLength;
        if (n > maxReply) req.destroy(new SigrunError("TRANSPORT_ERROR", "reply too large"));
        else chunks.push(c);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.end(body);
  });
}
