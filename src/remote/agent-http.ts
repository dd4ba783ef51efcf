// How the client reaches an HTTP agent (a host added with `--agent`): the URL, and the credentials the
// agent may require — a bearer token file (the submit role) and TLS files (a CA to verify the agent's
// certificate, a client certificate and key). The record keeps file paths, never secrets; the files are
// read when a request is made.
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { isAbsolute, resolve } from "node:path";
import { readTokenFile, SigrunError } from "../core/index.js";

export interface AgentEndpoint {
  /** `http(s)://HOST:PORT` */
  readonly url: string;
  /** Bearer token file (the agent's submit role). */
  readonly tokenFile?: string;
  /** PEM CA bundle that issued the agent's certificate (default: the system's CAs). */
  readonly ca?: string;
  /** PEM client certificate and key (an agent with a client CA). */
  readonly clientCert?: string;
  readonly clientKey?: string;
}

/** The credential options of `host add --agent`, as given (relative paths are resolved here). */
export interface AgentAuthFiles {
  readonly tokenFile?: string;
  readonly ca?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
}

/** Checks and absolutises the credential files; each must be readable now. */
export function agentAuthFiles(o: AgentAuthFiles, isHttps: boolean): AgentAuthFiles {
  if ((o.clientCert === undefined) !== (o.clientKey === undefined))
    throw new SigrunError("USAGE", "host add: --client-cert and --client-key go together");
  if (!isHttps && (o.ca || o.clientCert))
    throw new SigrunError("USAGE", "host add: --ca and --client-cert need an https:// agent");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o) as [keyof AgentAuthFiles, string | undefined][]) {
    if (v === undefined) continue;
    const abs = isAbsolute(v) ? v : resolve(v);
    if (k === "tokenFile") readTokenFile(abs);
    else readPem(abs, k);
    out[k] = abs;
  }
  return out;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
}

/** Sends one request to the agent with its credentials; resolves on the response head. */
export function agentRequest(
  agent: AgentEndpoint,
  path: string,
  o: { method: "GET" | "POST"; headers?: Record<string, string> },
  body?: (req: import("node:http").ClientRequest) => void,
): Promise<IncomingMessage> {
  const url = new URL(path, `${agent.url.replace(/\/+$/, "")}/`);
  const token = readTokenFile(agent.tokenFile);
  const opts: RequestOptions & { ca?: Buffer; cert?: Buffer; key?: Buffer } = {
    method: o.method,
    headers: { ...o.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  };
  if (agent.ca) opts.ca = readPem(agent.ca, "ca");
  if (agent.clientCert && agent.clientKey) {
    opts.cert = readPem(agent.clientCert, "client certificate");
    opts.key = readPem(agent.clientKey, "client key");
  }
  return new Promise((resolvePromise, reject) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, opts);
    req.on("response", (res) => {
      if (res.statusCode === 401 || res.statusCode === 403) {
        res.resume();
        reject(
          new SigrunError(
            "UNAUTHORIZED",
            `agent ${url.pathname}: HTTP ${res.statusCode} (give the agent's submit token with --token-file, or a client certificate, at host add)`,
          ),
        );
      } else resolvePromise(res);
    });
    req.on("error", (err) =>
      reject(new SigrunError("TRANSPORT_ERROR", `agent ${agent.url}: ${err.message}`, { cause: err })),
    );
    if (body) body(req);
    else req.end();
  });
}
