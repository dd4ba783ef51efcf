import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check } from "../context.js";
import { HostError } from "../errors.js";
import { childJson } from "./child.js";

/** Default cap on a response body read into the script (Rex: unlimited unless `max_text_bytes`). */
export const DEFAULT_MAX_TEXT_BYTES = 16 * 1024 * 1024;
/** Rex's reqwest client timeout. */
export const HTTP_TIMEOUT_MS = 30_000;

export interface HttpResponse {
  status: number;
  text: string;
}

const GET_PROGRAM = `
let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", async () => {
  const { url, max, timeout } = JSON.parse(s);
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeout) });
    const reader = res.body ? res.body.getReader() : null;
    const chunks = []; let n = 0;
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > max) { await reader.cancel(); process.stdout.write(JSON.stringify({ error: "response body exceeds " + max + " bytes" })); return; }
      chunks.push(Buffer.from(value));
    }
    process.stdout.write(JSON.stringify({ status: res.status, text: Buffer.concat(chunks).toString("utf8") }));
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.cause ? e.cause.code || e.cause.message : e) }));
  }
});`;

/**
 * HTTP GET, gated by `network::Action::"GET"` on `network::url` (id and attribute `url` = the URL as
 * given). Redirects are not followed (a redirect would reach a URL the policy never saw).
 */
export function httpGet(ctx: HostContext, url: string, maxTextBytes = DEFAULT_MAX_TEXT_BYTES): HttpResponse {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HostError("InvalidUrl", `Invalid URL: ${url}`, "NetworkErrorKind", true);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new HostError(
      "InvalidUrl",
      `Invalid URL: unsupported scheme ${parsed.protocol}`,
      "NetworkErrorKind",
      true,
    );
  }
  const uid = { type: "network::url", id: url };
  check(ctx, "network", "GET", uid, [plainEntity(uid.type, url, { url })], {
    source: "NetworkErrorKind",
    plain: true,
  });
  const max = Math.min(Math.max(0, maxTextBytes), DEFAULT_MAX_TEXT_BYTES * 4);
  const r = childJson(
    GET_PROGRAM,
    { url, max, timeout: HTTP_TIMEOUT_MS },
    HTTP_TIMEOUT_MS + 5000,
    max * 2,
  ) as {
    status?: number;
    text?: string;
    error?: string;
  };
  if (r.error !== undefined)
    throw new HostError("RequestError", `request failed: ${r.error}`, "NetworkErrorKind", true);
  return { status: r.status ?? 0, text: r.text ?? "" };
}
