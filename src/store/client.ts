import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isSigrunError, openAtomicFile, SigrunError } from "../core/index.js";
import type { BlobBackend } from "./backend.js";
import { httpBackend } from "./http-backend.js";
import { type BlobRef, checkRef, refOfBytes, refOfFile } from "./ref.js";
import { s3ConfigFromUrl } from "./s3.js";
import { s3Backend } from "./s3-backend.js";

export interface StoreClientOptions {
  /** Bearer token for `sigrun store serve --token-file` (http/https only). */
  readonly token?: string;
  /** Endpoint for s3:// URLs (else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / AWS). */
  readonly s3Endpoint?: string;
  /** Environment for the AWS_* variables (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Attempts per operation for network errors and 5xx (default 3). */
  readonly attempts?: number;
  /** Base delay of the exponential backoff in ms (default 200). */
  readonly backoffMs?: number;
}

export interface TransferOptions {
  /** Running byte count of the transfer. */
  readonly onProgress?: (bytes: number, total: number) => void;
}

export interface PutOptions extends TransferOptions {
  /**
   * The digest and size of a file input, when the caller took them while writing it (e.g. while sealing
   * it): skips a hashing pass over the file. The store still verifies them (`sigrun store serve` hashes
   * what it receives; S3 checks the signed payload hash) and refuses a mismatch (DIGEST_MISMATCH).
   */
  readonly ref?: BlobRef;
}

export interface PutResult extends BlobRef {
  readonly url: string;
  /** Secret that lets the uploader delete the blob (sigrun store serve only); keep it client-side. */
  readonly deleteToken?: string;
  /** The blob was already stored (content addressing: same digest, same bytes). */
  readonly existed: boolean;
}

export interface StoreClient {
  readonly url: string;
  /** Uploads a file, stream or bytes under its SHA-256 (a stream is spooled to a temp file first). */
  put(input: string | Readable | Uint8Array, opts?: PutOptions): Promise<PutResult>;
  /**
   * Downloads a blob and checks its size and digest BEFORE handing anything on: a path output is
   * written atomically, a stream output is spooled to a private temp file, verified, then copied.
   * Mismatch → DIGEST_MISMATCH and nothing written.
   */
  get(ref: BlobRef, output: string | Writable, opts?: TransferOptions): Promise<void>;
  /**
   * Streams a blob for a consumer that writes only into private scratch space and discards it unless
   * the iteration completes: the size is checked as bytes arrive and the digest at the end, where a
   * mismatch throws DIGEST_MISMATCH. Used by a sealed-job host to unseal while downloading (nothing
   * reaches the job before every input has passed); anything else should use `get`.
   */
  stream(ref: BlobRef, opts?: TransferOptions): AsyncIterable<Buffer>;
  /** Small blobs in memory, verified. */
  getBytes(ref: BlobRef, cap?: number): Promise<Uint8Array>;
  head(ref: BlobRef): Promise<number | null>;
  rm(ref: BlobRef, deleteToken?: string): Promise<void>;
}

function backendFor(url: string, opts: StoreClientOptions): BlobBackend {
  if (url.startsWith("s3://")) return s3Backend(s3ConfigFromUrl(url, opts.env, opts.s3Endpoint));
  if (/^https?:\/\//.test(url)) return httpBackend(url, opts.token);
  throw new SigrunError("USAGE", `store url: expected https://…, http://… or s3://bucket/prefix, got ${url}`);
}

function counted(total: number, onProgress?: (n: number, t: number) => void) {
  let n = 0;
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const c of source) {
      n += c.byteLength;
      onProgress?.(n, total);
      yield c;
    }
  };
}

/** Opens a store client for `https://host:port`, `http://…` (tests, loopback) or `s3://bucket/prefix`. */
export function openStore(url: string, opts: StoreClientOptions = {}): StoreClient {
  const backend = backendFor(url, opts);
  const attempts = opts.attempts ?? 3;
  const backoff = opts.backoffMs ?? 200;

  async function retry<T>(op: () => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await op();
      } catch (err) {
        const retryable = isSigrunError(err) && err.details?.retryable === true;
        if (!retryable || i >= attempts) throw err;
        await new Promise((r) => setTimeout(r, backoff * 2 ** (i - 1)));
      }
    }
  }

  async function putFile(path: string, ref: BlobRef, o: TransferOptions, known = false): Promise<PutResult> {
    // A digest the caller supplied is checked on the way where the server does not check it itself.
    const check = known && backend.verifiesPut !== true;
    let seen: { hash: ReturnType<typeof createHash>; n: number } | undefined;
    const r = await retry(() =>
      backend.put(ref, () => {
        const s = check ? { hash: createHash("sha256"), n: 0 } : undefined;
        seen = s;
        return Readable.from(
          (async function* () {
            for await (const c of counted(
              ref.size,
              o.onProgress,
            )(createReadStream(path, { highWaterMark: 1024 * 1024 }))) {
              s?.hash.update(c);
              if (s) s.n += c.byteLength;
              yield c;
            }
          })(),
        );
      }),
    );
    if (seen && (`sha256:${seen.hash.digest("hex")}` !== ref.digest || seen.n !== ref.size)) {
      if (!r.existed) await backend.delete(ref).catch(() => undefined);
      throw new SigrunError("DIGEST_MISMATCH", `PUT ${ref.digest}: the file does not match the given digest`);
    }
    return { ...ref, url: backend.urlOf(ref), ...r };
  }

  /** The body of `ref`, size-capped as it arrives; the digest is checked after the last byte. */
  async function* checked(
    body: AsyncIterable<Buffer>,
    ref: BlobRef,
    o: TransferOptions,
  ): AsyncGenerator<Buffer> {
    const hash = createHash("sha256");
    let size = 0;
    for await (const c of body) {
      size += c.byteLength;
      if (size > ref.size)
        throw new SigrunError("DIGEST_MISMATCH", `GET ${ref.digest}: longer than ${ref.size} bytes`);
      hash.update(c);
      o.onProgress?.(size, ref.size);
      yield c;
    }
    if (size !== ref.size)
      throw new SigrunError("DIGEST_MISMATCH", `GET ${ref.digest}: got ${size} bytes, expected ${ref.size}`);
    if (`sha256:${hash.digest("hex")}` !== ref.digest)
      throw new SigrunError("DIGEST_MISMATCH", `GET ${ref.digest}: content does not match its digest`);
  }

  /** One verified download into `sink` (not retried here: a retry needs a fresh sink). */
  async function downloadOnce(ref: BlobRef, sink: Writable, o: TransferOptions): Promise<void> {
    const body = await backend.get(ref);
    await pipeline(body, (source: AsyncIterable<Buffer>) => checked(source, ref, o), sink, { end: false });
  }

  const client: StoreClient = {
    url: backend.url,
    async put(input, o: PutOptions = {}) {
      if (input instanceof Uint8Array) {
        const ref = refOfBytes(input);
        const r = await retry(() => backend.put(ref, () => Readable.from([Buffer.from(input)])));
        o.onProgress?.(ref.size, ref.size);
        return { ...ref, url: backend.urlOf(ref), ...r };
      }
      if (typeof input === "string") {
        statSync(input);
        if (o.ref) return putFile(input, checkRef(o.ref), o, true);
        return putFile(input, await refOfFile(input), o);
      }
      const spool = join(tmpdir(), `sigrun-put-${randomBytes(8).toString("hex")}`);
      try {
        await pipeline(input, createWriteStream(spool, { flags: "wx", mode: 0o600 }));
        return await putFile(spool, await refOfFile(spool), o);
      } finally {
        await unlink(spool).catch(() => {});
      }
    },
    async get(ref, output, o = {}) {
      checkRef(ref);
      if (typeof output === "string") {
        // A fresh temporary file per attempt; it becomes `output` only once size and digest match.
        await retry(async () => {
          const file = await openAtomicFile(output, { mode: 0o600 });
          try {
            await downloadOnce(ref, file.stream, o);
          } catch (err) {
            await file.abort();
            throw err;
          }
          await file.commit();
        });
        return;
      }
      const spool = join(tmpdir(), `sigrun-get-${randomBytes(8).toString("hex")}`);
      try {
        await client.get(ref, spool, o);
        await pipeline(createReadStream(spool), output, {
          end: output !== process.stdout && output !== process.stderr,
        });
      } finally {
        await unlink(spool).catch(() => {});
      }
    },
    async *stream(ref, o = {}) {
      checkRef(ref);
      // Only opening the download is retried: once bytes were handed on, a retry would repeat them.
      const body = await retry(() => backend.get(ref));
      yield* checked(body, ref, o);
    },
    async getBytes(ref, cap = 64 * 1024 * 1024) {
      checkRef(ref);
      if (ref.size > cap)
        throw new SigrunError("TOO_LARGE", `blob of ${ref.size} bytes over the ${cap}-byte cap`);
      return retry(async () => {
        const parts: Buffer[] = [];
        const sink = new Writable({
          write(c: Buffer, _e, cb) {
            parts.push(c);
            cb();
          },
        });
        await downloadOnce(ref, sink, {});
        return new Uint8Array(Buffer.concat(parts));
      });
    },
    head: (ref) => retry(() => backend.head(checkRef(ref))),
    rm: (ref, token) => retry(() => backend.delete(checkRef(ref), token)),
  };
  return client;
}
