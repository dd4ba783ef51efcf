import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import aws4 from "aws4";
import { SigrunError } from "../core/index.js";
import { readBody, send, statusError } from "./http.js";

/**
 * A minimal S3 REST client: SigV4 signing by `aws4` (0 dependencies), transport by node:http(s). Path-style
 * addressing when an endpoint is given (MinIO, Ceph RGW, R2, s3rver), virtual-hosted AWS otherwise.
 */
export interface S3Config {
  readonly bucket: string;
  /** Key prefix without leading or trailing slash ("" for the bucket root). */
  readonly prefix: string;
  readonly region: string;
  /** e.g. http://127.0.0.1:9000; default https://<bucket>.s3.<region>.amazonaws.com */
  readonly endpoint?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * `s3://bucket/prefix` plus the standard AWS environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL.
 */
export function s3ConfigFromUrl(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  endpoint?: string,
): S3Config {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new SigrunError("USAGE", `store url: expected s3://bucket[/prefix], got ${url}`);
  const prefix = (m[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((p) => p === "." || p === ".."))
    throw new SigrunError("USAGE", "store url: prefix must not contain . or .. segments");
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new SigrunError("USAGE", "s3: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
  return {
    bucket: m[1]!,
    prefix,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    endpoint: endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
    accessKeyId,
    secretAccessKey,
    sessionToken: env.AWS_SESSION_TOKEN,
  };
}

export interface S3Object {
  readonly key: string;
  readonly size: number;
}

const UNSIGNED = "UNSIGNED-PAYLOAD";

function encodeKey(key: string): string {
  return key
    .split("/")
    .map((s) =>
      encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
}

function xmlText(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e === "lt") return "<";
    if (e === "gt") return ">";
    if (e === "amp") return "&";
    if (e === "quot") return '"';
    if (e === "apos") return "'";
    return String.fromCodePoint(e.startsWith("#x") ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

export class S3Client {
  constructor(readonly config: S3Config) {}

  /** The full key for a name under the configured prefix. */
  key(name: string): string {
    return this.config.prefix === "" ? name : `${this.config.prefix}/${name}`;
  }

  private target(path: string, query = ""): { url: URL; host: string; path: string } {
    const c = this.config;
    const base = c.endpoint
      ? new URL(`${c.endpoint.replace(/\/+$/, "")}/${c.bucket}${path}`)
      : new URL(`https://${c.bucket}.s3.${c.region}.amazonaws.com${path}`);
    const full = `${base.pathname}${query}`;
    return { url: new URL(`${base.origin}${full}`), host: base.host, path: full };
  }

  private async request(
    method: string,
    key: string | null,
    opts: { query?: string; headers?: Record<string, string>; body?: Readable | Uint8Array } = {},
  ): Promise<IncomingMessage> {
    const t = this.target(key === null ? "/" : `/${encodeKey(key)}`, opts.query);
    const headers: Record<string, string> = { "x-amz-content-sha256": UNSIGNED, ...opts.headers };
    const signed = aws4.sign(
      { host: t.host, path: t.path, method, headers, service: "s3", region: this.config.region },
      {
        accessKeyId: this.config.accessKeyId,
        secretAccessKey: this.config.secretAccessKey,
        sessionToken: this.config.sessionToken,
      },
    );
    return send({
      method,
      url: t.url,
      headers: signed.headers as Record<string, string>,
      body: opts.body,
      timeoutMs: 120_000,
    });
  }

  /**
   * PUT with the payload's SHA-256 signed in (S3 rejects a body that does not match) and, when
   * `ifNoneMatch`, `If-None-Match: *` (write-once where supported). Returns false if the object existed.
   */
  async put(
    key: string,
    size: number,
    sha256Hex: string,
    body: Readable | Uint8Array,
    ifNoneMatch: boolean,
  ): Promise<boolean> {
    const res = await this.request("PUT", key, {
      headers: {
        "content-length": String(size),
        "content-type": "application/octet-stream",
        "x-amz-content-sha256": sha256Hex,
        ...(ifNoneMatch ? { "if-none-match": "*" } : {}),
      },
      body,
    });
    await readBody(res);
    if (res.statusCode === 412) return false;
    if (res.statusCode !== 200) throw statusError(`s3 PUT ${key}`, res.statusCode ?? 0);
    return true;
  }

  async get(key: string): Promise<IncomingMessage> {
    const res = await this.request("GET", key);
    if (res.statusCode !== 200) {
      res.resume();
      throw statusError(`s3 GET ${key}`, res.statusCode ?? 0);
    }
    return res;
  }

  async getBytes(key: string, cap: number): Promise<Buffer> {
    return readBody(await this.get(key), cap);
  }

  async head(key: string): Promise<number | null> {
    const res = await this.request("HEAD", key);
    res.resume();
    if (res.statusCode === 404) return null;
    if (res.statusCode !== 200) throw statusError(`s3 HEAD ${key}`, res.statusCode ?? 0);
    return Number(res.headers["content-length"]);
  }

  async delete(key: string): Promise<void> {
    const res = await this.request("DELETE", key);
    res.resume();
    if (res.statusCode !== 204 && res.statusCode !== 200 && res.statusCode !== 404)
      throw statusError(`s3 DELETE ${key}`, res.statusCode ?? 0);
  }

  /** ListObjectsV2 of everything under the configured prefix (all pages, capped at `max`). */
  async list(max = 10_000): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    const prefix = this.config.prefix === "" ? "" : `${this.config.prefix}/`;
    do {
      const q = new URLSearchParams({ "list-type": "2", prefix });
      if (token) q.set("continuation-token", token);
      // SigV4 wants the query sorted; URLSearchParams sorting does that.
      q.sort();
      const res = await this.request("GET", null, { query: `?${q.toString().replace(/\+/g, "%20")}` });
      const xml = (await readBody(res, 16 * 1024 * 1024)).toString("utf8");
      if (res.statusCode !== 200) throw statusError("s3 LIST", res.statusCode ?? 0);
      for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const key = /<Key>([\s\S]*?)<\/Key>/.exec(m[1]!)?.[1];
        const size = /<Size>(\d+)<\/Size>/.exec(m[1]!)?.[1];
        if (key !== undefined) out.push({ key: xmlText(key), size: Number(size ?? 0) });
      }
      const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
      token = truncated
        ? xmlText(/<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1] ?? "")
        : undefined;
    } while (token && out.length < max);
    return out;
  }
}
