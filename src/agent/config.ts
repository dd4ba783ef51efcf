import { parseDuration, SigrunError } from "../core/index.js";
import { type ClientRoleRule, checkClientRoles, checkTokenRules, type TokenRule } from "./api-roles.js";
import { checkNatsStream, checkQueuePrefix } from "./transports/queue-names.js";

/** The agent configuration (agent.json; full-line `//` comments allowed). docs/cli.md#agent. */
export interface AgentConfig {
  hostId?: string;
  groups?: string[];
  trust?: string[];
  state?: string;
  workers?: number;
  threshold?: number;
  maxBundleBytes?: number;
  /** Duration text (`1d`): how long past notAfter a bundle id is remembered. */
  replayMargin?: string;
  limits?: { wallClockMs?: number; memoryMb?: number; maxOperations?: number; maxOutputBytes?: number };
  checkpointEvery?: number;
  inbox?: { dir: string; settleMs?: number; pollMs?: number };
  http?: {
    listen: string;
    tlsCert?: string;
    tlsKey?: string;
    clientCa?: string;
    readTokenFile?: string;
    submitTokenFile?: string;
    /** More bearer token files, each with its role (`read` or `submit`). */
    tokens?: TokenRule[];
    /** Which verified client certificate gets which role; one not named gets none. */
    clientRoles?: ClientRoleRule[];
  };
  stdin?: boolean;
  nats?: {
    url: string;
    stream?: string;
    subjectPrefix?: string;
    credsFile?: string;
    tlsCa?: string;
    tlsCert?: string;
    tlsKey?: string;
    heartbeatMs?: number;
  };
  /** `url` or `urlEnv` (the environment variable holding a URL with a password). */
  redis?: {
    url?: string;
    urlEnv?: string;
    prefix?: string;
    tlsCa?: string;
    tlsCert?: string;
    tlsKey?: string;
    heartbeatMs?: number;
  };
  s3?: { url: string; endpoint?: string; pollMs?: number };
}

const TOP = new Set([
  "hostId",
  "groups",
  "trust",
  "state",
  "workers",
  "threshold",
  "maxBundleBytes",
  "replayMargin",
  "limits",
  "checkpointEvery",
  "inbox",
  "http",
  "stdin",
  "nats",
  "redis",
  "s3",
]);
const SUB: Record<string, Set<string>> = {
  limits: new Set(["wallClockMs", "memoryMb", "maxOperations", "maxOutputBytes"]),
  inbox: new Set(["dir", "settleMs", "pollMs"]),
  http: new Set([
    "listen",
    "tlsCert",
    "tlsKey",
    "clientCa",
    "readTokenFile",
    "submitTokenFile",
    "tokens",
    "clientRoles",
  ]),
  nats: new Set(["url", "stream", "subjectPrefix", "credsFile", "tlsCa", "tlsCert", "tlsKey", "heartbeatMs"]),
  redis: new Set(["url", "urlEnv", "prefix", "tlsCa", "tlsCert", "tlsKey", "heartbeatMs"]),
  s3: new Set(["url", "endpoint", "pollMs"]),
};
const MAX_CONFIG = 64 * 1024;

function bad(field: string, why: string): SigrunError {
  return new SigrunError("INPUT_INVALID", `agent config ${field}: ${why}`);
}

/** Parses agent.json strictly: known keys only, typed values; lines starting with `//` are comments. */
export function parseAgentConfig(text: string): AgentConfig {
  if (text.length > MAX_CONFIG) throw bad("file", `larger than ${MAX_CONFIG} bytes`);
  const stripped = text
    .split("\n")
    .map((l) => (l.trimStart().startsWith("//") ? "" : l))
    .join("\n");
  let v: unknown;
  try {
    v = JSON.parse(stripped);
  } catch (err) {
    throw bad("file", `not valid JSON (${(err as Error).message})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("file", "expected an object");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!TOP.has(k)) throw bad(k, "unknown key");
    const sub = SUB[k];
    if (sub) {
      const s = o[k];
      if (typeof s !== "object" || s === null || Array.isArray(s)) throw bad(k, "expected an object");
      for (const sk of Object.keys(s)) if (!sub.has(sk)) throw bad(`${k}.${sk}`, "unknown key");
    }
  }
  const str = (x: unknown, f: string): void => {
    if (x !== undefined && typeof x !== "string") throw bad(f, "expected a string");
  };
  const int = (x: unknown, f: string): void => {
    if (x !== undefined && (!Number.isSafeInteger(x) || (x as number) < 0))
      throw bad(f, "expected a non-negative integer");
  };
  const strs = (x: unknown, f: string): void => {
    if (x !== undefined && (!Array.isArray(x) || x.some((e) => typeof e !== "string")))
      throw bad(f, "expected an array of strings");
  };
  str(o.hostId, "hostId");
  strs(o.groups, "groups");
  strs(o.trust, "trust");
  str(o.state, "state");
  for (const k of ["workers", "threshold", "maxBundleBytes", "checkpointEvery"]) int(o[k], k);
  str(o.replayMargin, "replayMargin");
  if (o.replayMargin !== undefined) parseDuration(o.replayMargin as string, "agent config replayMargin");
  const lim = o.limits as Record<string, unknown> | undefined;
  if (lim) for (const k of Object.keys(lim)) int(lim[k], `limits.${k}`);
  const inbox = o.inbox as Record<string, unknown> | undefined;
  if (inbox) {
    if (typeof inbox.dir !== "string") throw bad("inbox.dir", "expected a string");
    int(inbox.settleMs, "inbox.settleMs");
    int(inbox.pollMs, "inbox.pollMs");
  }
  const http = o.http as Record<string, unknown> | undefined;
  if (http) {
    if (typeof http.listen !== "string") throw bad("http.listen", "expected HOST:PORT");
    for (const k of ["tlsCert", "tlsKey", "clientCa", "readTokenFile", "submitTokenFile"])
      str(http[k], `http.${k}`);
    if (http.tokens !== undefined) http.tokens = checkTokenRules(http.tokens);
    if (http.clientRoles !== undefined) http.clientRoles = checkClientRoles(http.clientRoles);
  }
  if (o.stdin !== undefined && typeof o.stdin !== "boolean") throw bad("stdin", "expected a boolean");
  for (const k of ["nats", "redis"]) {
    const t = o[k] as Record<string, unknown> | undefined;
    if (!t) continue;
    if (k === "redis" && t.urlEnv !== undefined) {
      if (t.url !== undefined) throw bad("redis.urlEnv", "give url or urlEnv, not both");
    } else if (typeof t.url !== "string") throw bad(`${k}.url`, "expected a URL");
    for (const sk of Object.keys(t)) if (sk !== "heartbeatMs") str(t[sk], `${k}.${sk}`);
    const hb = t.heartbeatMs;
    if (
      hb !== undefined &&
      (!Number.isSafeInteger(hb) || (hb as number) < 1000 || (hb as number) > 86_400_000)
    )
      throw bad(`${k}.heartbeatMs`, "expected 1000 to 86400000");
    if ((t.tlsCert === undefined) !== (t.tlsKey === undefined))
      throw bad(`${k}.tlsCert`, "tlsCert and tlsKey go together");
    // the same names `submit --prefix/--nats-stream` and `fleet ls` accept
    const names: [string, (v: string, what: string) => string][] = [
      [k === "nats" ? "subjectPrefix" : "prefix", checkQueuePrefix],
      ...(k === "nats" ? [["stream", checkNatsStream] as [string, typeof checkNatsStream]] : []),
    ];
    for (const [field, check] of names) {
      if (t[field] === undefined) continue;
      try {
        check(t[field] as string, field);
      } catch (err) {
        throw bad(`${k}.${field}`, (err as Error).message.replace(/^[^:]*: /, ""));
      }
    }
  }
  const s3 = o.s3 as Record<string, unknown> | undefined;
  if (s3) {
    if (typeof s3.url !== "string" || !s3.url.startsWith("s3://"))
      throw bad("s3.url", "expected s3://bucket/prefix");
    str(s3.endpoint, "s3.endpoint");
    int(s3.pollMs, "s3.pollMs");
  }
  return o as AgentConfig;
}

/** The plain-HTTP listen address of `agent init` (8080: not a TLS-looking port). */
export const DEFAULT_HTTP_LISTEN = "127.0.0.1:8080";
/** The listen address of `agent init` when TLS is configured. */
export const DEFAULT_HTTPS_LISTEN = "127.0.0.1:8443";

/** The default listen address: 8443 only when the server speaks TLS, 8080 otherwise. */
export function defaultHttpListen(tls: boolean): string {
  return tls ? DEFAULT_HTTPS_LISTEN : DEFAULT_HTTP_LISTEN;
}

export interface SampleConfigOptions {
  hostId: string;
  state: string;
  trust: string;
  /** The inbox directory; undefined: the inbox is only shown as a comment. */
  inbox?: string;
  /** Where the config will be read from (named in the header). */
  config?: string;
  groups?: string[];
  /** The HTTP transport as given to `agent init` (default: plain HTTP on DEFAULT_HTTP_LISTEN; null: only
   * shown as a comment). */
  http?: NonNullable<AgentConfig["http"]> | null;
  /** Queue transports as given to `agent init` (undefined: only shown as comments). */
  nats?: AgentConfig["nats"];
  redis?: AgentConfig["redis"];
}

/** The commented config `sigrun agent init` writes. */
export function sampleConfig(opts: SampleConfigOptions): string {
  const http = opts.http === null ? undefined : (opts.http ?? { listen: DEFAULT_HTTP_LISTEN });
  const tls = http?.tlsCert !== undefined;
  const one = (v: unknown): string => JSON.stringify(v, null, 1).replace(/\n */g, " ");
  const active = [
    ...(opts.inbox !== undefined ? [`  "inbox": { "dir": ${JSON.stringify(opts.inbox)} }`] : []),
    ...(http ? [`  "http": ${one(http)}`] : []),
    ...(opts.nats ? [`  "nats": ${one(opts.nats)}`] : []),
    ...(opts.redis ? [`  "redis": ${one(opts.redis)}`] : []),
  ];
  const off = [
    ...(opts.inbox === undefined ? [`  // "inbox": { "dir": "/var/spool/sigrun/inbox" },`] : []),
    ...(http ? [] : [`  // "http": { "listen": "${DEFAULT_HTTP_LISTEN}" },`]),
    ...(opts.nats ? [] : [`  // "nats": { "url": "nats://127.0.0.1:4222" },`]),
    ...(opts.redis ? [] : [`  // "redis": { "url": "redis://127.0.0.1:6379" }`]),
  ];
  const httpHints = [
    ...(tls
      ? []
      : [
          `  // HTTPS: "http": { "listen": "0.0.0.0:8443", "tlsCert": "/etc/sigrun/tls.crt", "tlsKey": "/etc/sigrun/tls.key", "clientCa": "/etc/sigrun/clients-ca.pem", "clientRoles": [{ "role": "submit", "fingerprint": "sha256:…" }] },`,
        ]),
    `  // jobs API roles (GET /jobs…, /metrics: read; POST /execute: submit): "readTokenFile": "/etc/sigrun/read.token", "submitTokenFile": "/etc/sigrun/submit.token";`,
    `  // client certificates (with clientCa): "clientRoles": [{ "role": "read", "cn": "dashboard" }, { "role": "submit", "fingerprint": "sha256:…" }] — a certificate no rule names gets no role`,
  ];
  return `// sigrun agent configuration (JSON; lines starting with // are comments).
// Start with: sigrun agent --config ${opts.config ?? "/etc/sigrun/agent.json"}
{
  // This host's name: bundles must target it (or one of its groups) or target nobody in particular.
  "hostId": ${JSON.stringify(opts.hostId)},
  // Groups this host belongs to: a bundle targeted at "group:web" runs on every member of "web".
  "groups": ${JSON.stringify(opts.groups ?? [])},
  // Directories or files of trusted signer public keys (PEM SPKI, OpenSSH .pub); optional "revoked" and
  // "threshold" files inside a directory.
  "trust": [${JSON.stringify(opts.trust)}],
  // State: the host receipt key (host.key, 0600, created at first start), state.db, blobs/, work/.
  "state": ${JSON.stringify(opts.state)},
  // Concurrent runs, each in its own worker thread.
  "workers": 2,
  // Largest bundle accepted on any transport, in bytes (larger: TOO_LARGE, nothing runs).
  "maxBundleBytes": 16777216,
  // Bundle ids are remembered until their notAfter plus this margin (replays: REPLAY).
  "replayMargin": "1d",
  // Ceilings for every run; a bundle may ask for less, never more.
  "limits": { "wallClockMs": 60000, "memoryMb": 256 },
  // A signed audit checkpoint every N entries (and at shutdown).
  "checkpointEvery": 100,
  // Transports: any combination. Remove the ones you do not use.
  // The inbox: receipts in done/ and rejected/ are written 0640 and the directories the agent creates
  // 0750, for the agent's group (a writable shared inbox: create it yourself, e.g. 2770 root:sigrun).
${active.join(",\n")}
${httpHints.join("\n")}
${off.join("\n")}
  // queue credentials from files or the environment (never in a URL on a command line):
  // "nats": { "url": "tls://nats.internal:4222", "credsFile": "/etc/sigrun/nats.creds", "tlsCa": "/etc/sigrun/nats-ca.pem" },
  // "redis": { "urlEnv": "SIGRUN_REDIS_URL", "tlsCa": "/etc/sigrun/redis-ca.pem" }
}
`;
}
