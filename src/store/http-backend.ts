import type { Readable } from "node:stream";
import { SigrunError } from "../core/index.js";
import type { BlobBackend } from "./backend.js";
import { readBody, send, statusError } from "./http.js";
import type { BlobRef } from "./ref.js";

/** `sigrun store serve` (or a compatible server) over http:// or https://. */
export function httpBackend(base: string, token?: string): BlobBackend {
  const root = new URL(base.endsWith("/") ? base : `${base}/`);
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const urlOf = (ref: BlobRef) => new URL(`blobs/${ref.digest}`, root);
  return {
    url: root.href,
    verifiesPut: true,
    urlOf: (ref) => urlOf(ref).href,
    async put(ref, body) {
      const res = await send({
        method: "PUT",
        url: urlOf(ref),
        headers: {
          ...auth,
          "content-length": String(ref.size),
          "content-type": "application/octet-stream",
          expect: "100-continue",
        },
        body: body(),
        timeoutMs: 120_000,
      });
      const text = await readBody(res);
      if (res.statusCode === 409) return { existed: true };
      if (res.statusCode !== 201) {
        const err = statusError(`PUT ${ref.digest}`, res.statusCode ?? 0);
        let code: string | undefined;
        try {
          code = (JSON.parse(text.toString("utf8")) as { error?: string }).error;
        } catch {
          code = undefined;
        }
        if (code === "DIGEST_MISMATCH")
          throw new SigrunError("DIGEST_MISMATCH", `PUT ${ref.digest}: the store saw different bytes`);
        throw err;
      }
      const j = JSON.parse(text.toString("utf8")) as { deleteToken?: unknown };
      if (typeof j.deleteToken !== "string") throw new SigrunError("STORE_ERROR", "PUT: no deletion token");
      return { deleteToken: j.deleteToken, existed: false };
    },
    async get(ref): Promise<Readable> {
      const res = await send({ method: "GET", url: urlOf(ref), headers: auth, timeoutMs: 120_000 });
      if (res.statusCode !== 200) {
        res.resume();
        throw statusError(`GET ${ref.digest}`, res.statusCode ?? 0);
      }
      return res;
    },
    async head(ref) {
      const res = await send({ method: "HEAD", url: urlOf(ref), headers: auth });
      res.resume();
      if (res.statusCode === 404) return null;
      if (res.statusCode !== 200) throw statusError(`HEAD ${ref.digest}`, res.statusCode ?? 0);
      return Number(res.headers["content-length"]);
    },
    async delete(ref, deleteToken) {
      const headers = { ...auth, ...(deleteToken === undefined ? {} : { "x-delete-token": deleteToken }) };
      const res = await send({ method: "DELETE", url: urlOf(ref), headers });
      res.resume();
      if (res.statusCode === 204 || res.statusCode === 404) return;
      throw statusError(`DELETE ${ref.digest}`, res.statusCode ?? 0);
    },
  };
}
