// Queue credentials and TLS, shared by the agent's NATS/Redis transports and the clients (submit, fleet ls):
// secrets come from files or environment variables, never from a URL given on argv.
import { readFileSync } from "node:fs";
import { SigrunError } from "../../core/index.js";

/** TLS files for a queue connection (PEM paths). */
export interface QueueTls {
  /** CA certificate(s) to trust for the server. */
  readonly ca?: string;
  /** Client certificate and its key (mutual TLS). */
  readonly cert?: string;
  readonly key?: string;
}

export interface NatsAuth {
  /** A NATS `.creds` file (user JWT + nkey seed), a file holding a token (one line), or a user and a
   * password (two lines). */
  readonly credsFile?: string;
  readonly tls?: QueueTls;
}

const MAX_CREDS_BYTES = 64 * 1024;
const JWT_MARK = "-----BEGIN NATS USER JWT-----";

function readSmall(path: string, what: string): Buffer {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? "cannot read"}`,
      {
        cause: err,
      },
    );
  }
  if (b.byteLength > MAX_CREDS_BYTES)
    throw new SigrunError("INPUT_INVALID", `${what} ${path}: larger than 64 KiB`);
  return b;
}

function checkTls(tls: QueueTls | undefined): void {
  if (tls && (tls.cert === undefined) !== (tls.key === undefined))
    throw new SigrunError("USAGE", "TLS client certificate and key go together (give both or neither)");
}

/**
 * What a URL would reveal if it were given on argv (`ps` shows it): the password of a Redis URL, any
 * user part of a NATS URL (a lone user part is a token there). Undefined when the URL holds no secret.
 */
export function urlSecret(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.password !== "") return "a password";
  if ((u.protocol === "nats:" || u.protocol === "tls:") && u.username !== "") return "a token or user";
  return undefined;
}

/**
 * Refuses (USAGE) a `--nats`/`--redis` URL given on the command line that holds a secret, naming where the
 * secret goes instead. One rule for the agent, `agent init`, `submit` and `fleet ls`.
 */
export function refuseSecretsInUrls(urls: { readonly nats?: string; readonly redis?: string }): void {
  for (const [flag, url, instead] of [
    ["--nats", urls.nats, "put the token or .creds in a file and give --nats-creds FILE"],
    ["--redis", urls.redis, "put the URL in an environment variable and give --redis-env VAR"],
  ] as const) {
    const secret = url === undefined ? undefined : urlSecret(url);
    if (secret)
      throw new SigrunError(
        "USAGE",
        `${flag}: the URL holds ${secret}, which the process list would show; ${instead}`,
      );
  }
}

/** The connect options of @nats-io/transport-node for `url` with `auth` (files read now). */
export async function natsConnectOptions(
  url: string,
  auth: NatsAuth | undefined,
  extra: { name?: string; timeout?: number; maxReconnectAttempts?: number } = {},
): Promise<Record<string, unknown>> {
  checkTls(auth?.tls);
  const opts: Record<string, unknown> = { servers: url, ...extra };
  if (auth?.credsFile !== undefined) {
    const nats = await import("@nats-io/transport-node");
    const b = readSmall(auth.credsFile, "NATS credentials");
    const text = b.toString("utf8");
    if (text.includes(JWT_MARK)) opts.authenticator = nats.credsAuthenticator(new Uint8Array(b));
    else {
      // one line: a token (`authorization { token }`); two lines: user, then password (`--user/--pass`)
      const lines = text.replace(/\r?\n$/, "").split(/\r?\n/);
      // a token or user: no white space; a password: no control characters
      const bad = (l: string, i: number): boolean =>
        l.length === 0 || (i === 0 ? /\s/ : /[\u0000-\u001f\u007f]/).test(l);
      if (lines.length > 2 || lines.some(bad))
        throw new SigrunError(
          "INPUT_INVALID",
          `NATS credentials ${auth.credsFile}: expected a .creds file, one token line, or two lines (user, password)`,
        );
      opts.authenticator =
        lines.length === 2
          ? nats.usernamePasswordAuthenticator(lines[0]!, lines[1]!)
          : nats.tokenAuthenticator(lines[0]!);
    }
  }
  const tls = auth?.tls;
  if (tls && (tls.ca || tls.cert)) {
    opts.tls = {
      ...(tls.ca ? { caFile: tls.ca } : {}),
      ...(tls.cert ? { certFile: tls.cert, keyFile: tls.key } : {}),
    };
  }
  return opts;
}

export interface RedisAuth {
  readonly tls?: QueueTls;
}

/** The TLS part of ioredis options (`rediss://` URLs use TLS on their own; these add CA and client cert). */
export function redisTlsOptions(auth: RedisAuth | undefined): { tls?: Record<string, Buffer> } {
  checkTls(auth?.tls);
  const tls = auth?.tls;
  if (!tls || (!tls.ca && !tls.cert)) return {};
  const o: Record<string, Buffer> = {};
  if (tls.ca) o.ca = readSmall(tls.ca, "TLS CA");
  if (tls.cert && tls.key) {
    o.cert = readSmall(tls.cert, "TLS certificate");
    o.key = readSmall(tls.key, "TLS key");
  }
  return { tls: o };
}

/** The Redis URL: given, or read from the environment variable `urlEnv` (which may hold a password). */
export function resolveRedisUrl(o: { url?: string; urlEnv?: string }): string {
  if (o.url !== undefined && o.urlEnv !== undefined)
    throw new SigrunError("USAGE", "redis: give the URL or the environment variable holding it, not both");
  if (o.url !== undefined) return o.url;
  if (o.urlEnv === undefined) throw new SigrunError("USAGE", "redis: no URL given");
  const v = process.env[o.urlEnv];
  if (v === undefined || v === "")
    throw new SigrunError("USAGE", `redis: environment variable ${o.urlEnv} is not set`);
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== "redis:" && u.protocol !== "rediss:") || u.host === "")
    throw new SigrunError("USAGE", `redis: ${o.urlEnv} does not hold a redis:// or rediss:// URL`);
  return v;
}

/** A URL for logs and messages: any user/password part replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
