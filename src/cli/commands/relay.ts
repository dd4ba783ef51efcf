import { type Command, Option } from "commander";
import { readInput, readSecret } from "../io.js";

interface ServeFlags {
  listen: string;
  redis?: string;
  redisEnv?: string;
  redisPrefix?: string;
  tlsCert?: string;
  tlsKey?: string;
  motd?: string;
  maxSessions?: string;
  tokenFile?: string;
  tokenEnv?: string;
  logIps?: boolean;
  grace?: string;
  joinTtl?: string;
  sessionTtl?: string;
  maxFrame?: string;
  quiet?: boolean;
  json?: boolean;
  maxConnectionsPerIp?: string;
  maxSessionsPerIp?: string;
}

export function register(program: Command): void {
  const relay = program.command("relay").description("the relay that remote-signing peers dial out to");
  relay
    .command("serve")
    .description(
      "serve the relay: sigrun protocol v1 on / (and /v1), rcodesign's protocol on /rcodesign, /healthz, " +
        "/metrics. Pairs exactly two peers per session and forwards opaque frames; stores no payloads. " +
        "Prints `listening on ws://HOST:PORT` as its first line; stops on SIGINT/SIGTERM",
    )
    .option("--listen <host:port>", "address to listen on (port 0 = any free port)", "127.0.0.1:8787")
    .option("--redis <url>", "share sessions with other nodes through this Redis (redis://host:port)")
    .option("--redis-env <var>", "read the Redis URL (with a password) from this environment variable")
    .option("--redis-prefix <prefix>", "key and channel prefix in Redis", "sigrun:relay:")
    .option("--tls-cert <file>", "PEM certificate chain: serve wss://")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--motd <text>", "plain-text message shown to clients")
    .option("--max-sessions <n>", "concurrent sessions with a peer on this node")
    .option("--token-file <file>", "require this access token (private relay)")
    .option("--token-env <var>", "require the access token in this environment variable")
    .option("--log-ips", "include client IP addresses in the log (off by default)")
    .option("--grace <duration>", "how long a dropped peer may take to resume (default 30s; 0 disables)")
    .option("--join-ttl <duration>", "how long a session waits for its second peer (default 15m)")
    .option("--session-ttl <duration>", "largest session lifetime (default 60m)")
    .option("--max-frame <bytes>", "largest frame (default 65536)")
    .option("--max-connections-per-ip <n>", "open sockets per client IP (default 256)")
    .option("--max-sessions-per-ip <n>", "concurrent sessions created per client IP (default 128)")
    .option("--quiet", "no log lines on stderr")
    .addOption(new Option("--json", "print the start line as JSON ({url, rcodesignUrl, metricsUrl})"))
    .action(async (o: ServeFlags) => {
      const { SigrunError, parseDuration } = await import("../../core/index.js");
      const { startRelay, jsonLogger, silentLogger } = await import("../../relay/index.js");
      const int = (v: string, flag: string, min = 1): number => {
        if (!/^\d{1,10}$/.test(v) || Number(v) < min)
          throw new SigrunError("USAGE", `${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
        return Number(v);
      };
      const ms = (v: string, flag: string): number => (v === "0" ? 0 : parseDuration(v, flag));
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
        throw new SigrunError("USAGE", "--tls-cert and --tls-key go together");
      if (o.redis !== undefined && o.redisEnv !== undefined)
        throw new SigrunError("USAGE", "give either --redis or --redis-env, not both");
      const redisUrl = o.redisEnv !== undefined ? readSecret({ env: o.redisEnv }, "redis url") : o.redis;
      const token = readSecret(
        {
          ...(o.tokenFile === undefined ? {} : { file: o.tokenFile }),
          ...(o.tokenEnv === undefined ? {} : { env: o.tokenEnv }),
        },
        "access token",
      );
      if (token !== undefined && token.length < 16)
        throw new SigrunError("USAGE", "access token: expected at least 16 characters");
      const limits: Record<string, number> = {};
      if (o.maxSessions !== undefined) limits.maxSessions = int(o.maxSessions, "--max-sessions");
      if (o.grace !== undefined) limits.graceMs = ms(o.grace, "--grace");
      if (o.joinTtl !== undefined) limits.joinTtlMs = parseDuration(o.joinTtl, "--join-ttl");
      if (o.sessionTtl !== undefined) limits.sessionTtlMs = parseDuration(o.sessionTtl, "--session-ttl");
      if (o.maxFrame !== undefined) limits.maxFrameBytes = int(o.maxFrame, "--max-frame", 1024);
      if (o.maxConnectionsPerIp !== undefined)
        limits.maxConnectionsPerIp = int(o.maxConnectionsPerIp, "--max-connections-per-ip");
      if (o.maxSessionsPerIp !== undefined)
        limits.maxSessionsPerIp = int(o.maxSessionsPerIp, "--max-sessions-per-ip");
      const running = await startRelay({
        listen: o.listen,
        backend:
          redisUrl === undefined
            ? "memory"
            : { redis: redisUrl, ...(o.redisPrefix ? { prefix: o.redisPrefix } : {}) },
        limits,
        ...(o.motd === undefined ? {} : { motd: o.motd }),
        ...(token === undefined ? {} : { accessToken: token }),
        ...(o.tlsCert && o.tlsKey
          ? { tls: { cert: readInput(o.tlsCert, "tls certificate"), key: readInput(o.tlsKey, "tls key") } }
          : {}),
        logIps: o.logIps ?? false,
        logger: o.quiet ? silentLogger : jsonLogger(),
      });
      if (o.json) {
        process.stdout.write(
          `${JSON.stringify({ url: running.url, rcodesignUrl: running.rcodesignUrl, metricsUrl: `${running.httpUrl}/metrics` })}\n`,
        );
      } else {
        process.stdout.write(`listening on ${running.url}\n`);
      }
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          running.close().then(resolve, resolve);
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
      });
    });
}
