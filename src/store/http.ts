import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SigrunError } from "../core/index.js";

export interface HttpCall {
  readonly method: string;
  readonly url: URL;
  readonly headers?: OutgoingHttpHeaders;
  /** A body: bytes, or a fresh stream (Content-Length must be in `headers`). */
  readonly body?: Uint8Array | Readable;
  readonly timeoutMs?: number;
}

/**
 * One HTTP(S) request with a streamed body; resolves with the response (body not yet read). Network
 * failures become STORE_ERROR with `details.retryable = true`.
 */
export function send(call: HttpCall): Promise<IncomingMessage> {
  const req = (call.url.protocol === "https:" ? httpsRequest : httpRequest)(call.url, {
    method: call.method,
    headers: call.headers,
    timeout: call.timeoutMs ?? 60_000,
  });
  return new Promise((resolve, reject) => {
    const netError = (err: unknown) =>
      reject(
        new SigrunError("STORE_ERROR", `${call.method} ${call.url.host}: ${(err as Error).message}`, {
          cause: err,
          details: { retryable: true },
        }),
      );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", netError);
    const body = call.body;
    if (body === undefined) req.end();
    else if (call.headers?.expect === "100-continue") {
      // Send the body only once the server said 100 Continue; an early final answer skips it.
      let sent = false;
      req.on("continue", () => {
        sent = true;
        if (body instanceof Uint8Array) req.end(body);
        else pipeline(body, req).catch(netError);
      });
      req.on("response", (res) => {
        if (!sent && !(body instanceof Uint8Array)) body.destroy();
        resolve(res);
      });
      return;
    } else if (body instanceof Uint8Array) req.end(body);
    else pipeline(body, req).catch(netError);
    req.on("response", resolve);
  });
}

/** Reads a (small) response body, capped. */
export async function readBody(res: IncomingMessage, cap = 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).byteLength;
    if (n > cap) {
      res.destroy();
      throw new SigrunError("STORE_ERROR", "response body too large");
    }
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

/** Maps an unexpected status to a coded error (5xx except 507 are retryable). */
export function statusError(what: string, status: number): SigrunError {
  const code =
    status === 404
      ? "STORE_NOT_FOUND"
      : status === 409 || status === 412
        ? "STORE_CONFLICT"
        : status === 507
          ? "STORE_FULL"
          : status === 401
            ? "UNAUTHORIZED"
            : status === 403
              ? "POLICY_DENIED"
              : status === 413
                ? "TOO_LARGE"
                : "STORE_ERROR";
  return new SigrunError(code, `${what}: HTTP ${status}`, {
    details: { status, retryable: status >= 500 && status !== 507 },
  });
}
