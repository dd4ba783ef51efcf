import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";
import { childJson } from "./child.js";
import { canonicalEndpoint } from "./connect.js";

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
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (location !== null) { await res.body?.cancel(); process.stdout.write(JSON.stringify({ status: res.status, location })); return; }
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

/** Redirects followed (each hop authorized again), as reqwest's default in Rex. */
export const MAX_REDIRECTS = 10;

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The one form of a URL that is authorized and fetched: WHATWG parsing (lower-case host, default port
 * dropped, backslashes as slashes, `.`/`..` and `%2e` segments removed, any IPv4 spelling as a dotted
 * quad; an IPv4-mapped IPv6 host as its IPv4 address), then RFC 3986 §6.2.2
 * normalization: percent-escapes of unreserved characters decoded (`%70` → `p`, after which dot segments
 * are removed again), the other escapes in upper case; the fragment (never sent) is dropped.
 */
export function normalizeUrl(url: string, base?: string): URL {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    throw new HostError("InvalidUrl", `Invalid URL: ${url}`, "NetworkErrorKind", true);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new HostError(
      "InvalidUrl",
      `Invalid URL: unsupported scheme ${u.protocol}`,
      "NetworkErrorKind",
      true,
    );
  }
  const decode = (text: string): string =>
    text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
      const c = String.fromCharCode(Number.parseInt(hex, 16));
      return UNRESERVED.test(c) ? c : `%${hex.toUpperCase()}`;
    });
  // an IPv4-mapped IPv6 host (`[::ffff:127.0.0.1]`, WHATWG: `[::ffff:7f00:1]`) reaches that IPv4 address:
  // it is authorized and fetched as the IPv4 address
  if (u.hostname.startsWith("[")) {
    const host = canonicalEndpoint(u.hostname);
    if (host !== undefined && !host.includes(":")) u.hostname = host;
  }
  u.pathname = decode(u.pathname);
  if (u.search !== "") u.search = decode(u.search);
  u.hash = "";
  return u;
}

function authorize(ctx: HostContext, url: string): void {
  const uid = { type: "network::url", id: url };
  check(ctx, "network", "GET", uid, [plainEntity(uid.type, url, { url })], {
    source: "NetworkErrorKind",
    plain: true,
  });
}

/**
 * HTTP GET, gated by `network::Action::"GET"` on `network::url` (id and attribute `url` = the
 * normalized URL, see `normalizeUrl`), which is exactly what is fetched. A redirect is followed only
 * after its target, normalized the same way, is authorized too (at most MAX_REDIRECTS hops).
 */
export function httpGet(ctx: HostContext, url: string, maxTextBytes = DEFAULT_MAX_TEXT_BYTES): HttpResponse {
  let target = normalizeUrl(url).href;
  const max = Math.min(Math.max(0, maxTextBytes), DEFAULT_MAX_TEXT_BYTES * 4);
  for (let hop = 0; ; hop++) {
    authorize(ctx, target);
    const r = childJson(
      GET_PROGRAM,
      { url: target, max, timeout: hostTimeout(ctx, HTTP_TIMEOUT_MS) },
      hostTimeout(ctx, HTTP_TIMEOUT_MS + 5000),
      max * 2,
    ) as {
      status?: number;
      text?: string;
      location?: string;
      error?: string;
    };
    if (r.error !== undefined)
      throw new HostError("RequestError", `request failed: ${r.error}`, "NetworkErrorKind", true);
    if (r.location === undefined) return { status: r.status ?? 0, text: r.text ?? "" };
    if (hop >= MAX_REDIRECTS) {
      throw new HostError(
        "RequestError",
        `request failed: more than ${MAX_REDIRECTS} redirects`,
        "NetworkErrorKind",
        true,
      );
    }
    target = normalizeUrl(r.location, target).href;
  }
}
