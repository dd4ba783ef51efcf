import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { link, open, unlink } from "node:fs/promises";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { type Clock, isSigrunError, SigrunError, systemClock } from "../core/index.js";
import { BlobDir } from "./blob-dir.js";

export interface StoreServerOptions {
  /** Directory for blobs, metadata and uploads in progress (created, mode 0700). */
  readonly dir: string;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly maxBlobBytes?: number;
  readonly maxBlobs?: number;
  readonly maxDiskBytes?: number;
  readonly ttlMs?: number;
  /** A connection idle this long (e.g. a stalled uploader) is dropped, and its upload discarded. */
  readonly idleTimeoutMs?: number;
  readonly sweepIntervalMs?: number;
  readonly maxConnections?: number;
  readonly clock?: Clock;
  /** Serve https:// with this PEM certificate chain and key. */
  readonly tls?: { readonly cert: Uint8Array; readonly key: Uint8Array };
  /** One line per request (method, digest prefix, status); default none. */
  readonly log?: (line: string) => void;
}

export interface RunningStore {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly dir: BlobDir;
  close(): Promise<void>;
}

export const STORE_DEFAULTS = {
  maxBlobBytes: 2 * 1024 ** 3,
  maxBlobs: 100_000,
  maxDiskBytes: 50 * 1024 ** 3,
  ttlMs: 24 * 3600 * 1000,
  idleTimeoutMs: 30_000,
  sweepIntervalMs: 60_000,
  maxConnections: 512,
} as const;

const PATH_RE = /^\/blobs\/sha256:([0-9a-f]{64})$/;

/** Status of each error code; the body is `{"error": CODE}` only, never internals. */
const STATUS: Partial<Record<string, number>> = {
  INPUT_INVALID: 400,
  DIGEST_MISMATCH: 400,
  UNAUTHORIZED: 401,
  POLICY_DENIED: 403,
  STORE_NOT_FOUND: 404,
  STORE_CONFLICT: 409,
  TOO_LARGE: 413,
  STORE_FULL: 507,
};

function reply(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG";
}

/** Streams one upload to a temp file, checking size and digest, then links it into place. */
async function handlePut(
  store: BlobDir,
  hex: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.headers["transfer-encoding"] !== undefined || req.headers["content-length"] === undefined)
    return reply(res, 411, { error: "INPUT_INVALID" });
  const lenText = req.headers["content-length"];
  if (!/^\d{1,16}$/.test(lenText)) {
    reply(res, 400, { error: "INPUT_INVALID" });
    return;
  }
  const size = Number(lenText);
  const release = store.reserve(hex, size);
  const tmp = join(store.tmp, `${hex}.${randomBytes(6).toString("hex")}`);
  let linked = false;
  try {
    const fh = await open(tmp, "wx", 0o600);
    const hash = createHash("sha256");
    let received = 0;
    try {
      await pipeline(
        req,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            received += chunk.byteLength;
            if (received > size) throw new SigrunError("INPUT_INVALID", "body longer than Content-Length");
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream("", { fd: fh.fd, autoClose: false, highWaterMark: 1024 * 1024 }),
      );
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (received !== size) throw new SigrunError("INPUT_INVALID", "body shorter than Content-Length");
    if (hash.digest("hex") !== hex)
      throw new SigrunError("DIGEST_MISMATCH", "body does not match the digest");
    try {
      await link(tmp, store.blobPath(hex));
      linked = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST")
        throw new SigrunError("STORE_CONFLICT", "blob exists (write-once)");
      throw err;
    }
    const { deleteToken, expires } = await store.commit(hex, size);
    reply(
      res,
      201,
      { digest: `sha256:${hex}`, size, expires: new Date(expires).toISOString(), deleteToken },
      { location: `/blobs/sha256:${hex}`, "x-delete-token": deleteToken },
    );
  } catch (err) {
    if (linked) store.remove(hex);
    throw isDiskFull(err) ? new SigrunError("STORE_FULL", "disk full", { cause: err }) : err;
  } finally {
    release();
    await unlink(tmp).catch(() => {});
  }
}

function handleGet(store: BlobDir, hex: string, req: IncomingMessage, res: ServerResponse): void {
  const size = store.live(hex);
  if (size === null) {
    reply(res, 404, { error: "STORE_NOT_FOUND" });
    return;
  }
  const headers = {
    "content-type": "application/octet-stream",
    "content-length": String(size),
    "cache-control": "no-store",
    "x-content-sha256": hex,
  };
  res.writeHead(200, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const rs = createReadStream(store.blobPath(hex), { highWaterMark: 1024 * 1024 });
  rs.on("error", () => res.destroy());
  rs.pipe(res);
}

function handleDelete(store: BlobDir, hex: string, req: IncomingMessage, res: ServerResponse): void {
  const token = req.headers["x-delete-token"];
  if (typeof token !== "string" || token === "") {
    reply(res, 401, { error: "UNAUTHORIZED" });
    return;
  }
  if (store.live(hex) === null) {
    reply(res, 404, { error: "STORE_NOT_FOUND" });
    return;
  }
  if (!store.tokenMatches(hex, token)) {
    reply(res, 403, { error: "POLICY_DENIED" });
    return;
  }
  store.remove(hex);
  reply(res, 204);
}

/** Starts `sigrun store serve`: the untrusted, content-addressed, write-once blob store. */
export async function startStoreServer(
  opts: StoreServerOptions,
  listen: { host?: string; port?: number } = {},
): Promise<RunningStore> {
  const clock = opts.clock ?? systemClock();
  const store = new BlobDir(
    opts.dir,
    {
      maxBlobBytes: opts.maxBlobBytes ?? STORE_DEFAULTS.maxBlobBytes,
      maxBlobs: opts.maxBlobs ?? STORE_DEFAULTS.maxBlobs,
      maxDiskBytes: opts.maxDiskBytes ?? STORE_DEFAULTS.maxDiskBytes,
      ttlMs: opts.ttlMs ?? STORE_DEFAULTS.ttlMs,
    },
    clock,
  );
  store.sweep();
  const log = opts.log;
  const handler: RequestListener = (req, res) => {
    const done = (status: number) => log?.(`${req.method} ${req.url?.slice(0, 24)} ${status}`);
    res.on("finish", () => done(res.statusCode));
    if (opts.token !== undefined) {
      const auth = req.headers.authorization ?? "";
      if (!auth.startsWith("Bearer ") || !sameSecret(auth.slice(7), opts.token)) {
        req.resume();
        return reply(res, 401, { error: "UNAUTHORIZED" }, { "www-authenticate": "Bearer" });
      }
    }
    if (req.url === "/health" && req.method === "GET") {
      reply(res, 200, { ok: true });
      return;
    }
    const m = PATH_RE.exec(req.url ?? "");
    if (!m) {
      req.resume();
      return reply(res, req.url?.startsWith("/blobs/") ? 400 : 404, {
        error: req.url?.startsWith("/blobs/") ? "INPUT_INVALID" : "STORE_NOT_FOUND",
      });
    }
    const hex = m[1]!;
    const fail = (err: unknown) => {
      const code = isSigrunError(err) ? err.code : "INTERNAL";
      if (!isSigrunError(err)) log?.(`internal error: ${(err as Error).message}`);
      req.resume();
      reply(res, STATUS[code] ?? 500, { error: code }, { connection: "close" });
    };
    try {
      switch (req.method) {
        case "PUT":
          handlePut(store, hex, req, res).catch(fail);
          return;
        case "GET":
        case "HEAD":
          req.resume();
          return handleGet(store, hex, req, res);
        case "DELETE":
          req.resume();
          return handleDelete(store, hex, req, res);
        default:
          req.resume();
          return reply(res, 405, { error: "INPUT_INVALID" }, { allow: "GET, HEAD, PUT, DELETE" });
      }
    } catch (err) {
      fail(err);
    }
  };
  // `Expect: 100-continue` (the sigrun client sends it): check auth, path, length, write-once and the caps
  // before the body is sent, so a refused upload costs no transfer and no broken pipe.
  const precheck = (req: IncomingMessage): { status: number; code: string } | null => {
    if (opts.token !== undefined) {
      const auth = req.headers.authorization ?? "";
      if (!auth.startsWith("Bearer ") || !sameSecret(auth.slice(7), opts.token))
        return { status: 401, code: "UNAUTHORIZED" };
    }
    const m = PATH_RE.exec(req.url ?? "");
    if (!m || req.method !== "PUT") return { status: 400, code: "INPUT_INVALID" };
    const len = req.headers["content-length"];
    if (len === undefined || !/^\d{1,16}$/.test(len)) return { status: 411, code: "INPUT_INVALID" };
    try {
      store.admissible(m[1]!, Number(len));
    } catch (err) {
      const code = isSigrunError(err) ? err.code : "INTERNAL";
      return { status: STATUS[code] ?? 500, code };
    }
    return null;
  };
  const onContinue = (req: IncomingMessage, res: ServerResponse): void => {
    const refused = precheck(req);
    if (refused) {
      reply(res, refused.status, { error: refused.code }, { connection: "close" });
      return;
    }
    res.writeContinue();
    handler(req, res);
  };
  const server: Server = opts.tls
    ? createTlsServer({ cert: Buffer.from(opts.tls.cert), key: Buffer.from(opts.tls.key) }, handler)
    : createServer(handler);
  server.on("checkContinue", onContinue);
  server.timeout = opts.idleTimeoutMs ?? STORE_DEFAULTS.idleTimeoutMs;
  server.headersTimeout = Math.min(server.timeout, 20_000);
  server.requestTimeout = 0;
  server.maxConnections = opts.maxConnections ?? STORE_DEFAULTS.maxConnections;
  const sweeper = setInterval(() => store.sweep(), opts.sweepIntervalMs ?? STORE_DEFAULTS.sweepIntervalMs);
  sweeper.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port ?? 8480, listen.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `${opts.tls ? "https" : "http"}://${host}:${addr.port}`,
    port: addr.port,
    server,
    dir: store,
    close: async () => {
      clearInterval(sweeper);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
