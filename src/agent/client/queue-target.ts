import { SigrunError } from "../../core/index.js";
import { refuseSecretsInUrls, resolveRedisUrl } from "../transports/queue-auth.js";
import { checkNatsStream, checkQueuePrefix } from "../transports/queue-names.js";
import type { QueueTarget } from "./fleet.js";

/** The queue flags shared by `submit` and `fleet ls` (docs/cli.md). */
export interface QueueFlags {
  nats?: string;
  natsCreds?: string;
  redis?: string;
  redisEnv?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** NATS subject prefix / Redis key prefix the agents use (default `sigrun`). */
  prefix?: string;
  /** NATS: the JetStream jobs stream the agents use (default SIGRUN_JOBS). */
  natsStream?: string;
}

/** Whether any queue transport was asked for. */
export function hasQueue(f: QueueFlags): boolean {
  return f.nats !== undefined || f.redis !== undefined || f.redisEnv !== undefined;
}

/**
 * The queue target named by command-line flags. A URL given on argv must not carry a secret (a Redis
 * password, a NATS token or user): `ps` would show it to every local user. Such a URL is refused with the
 * flag to use instead (--redis-env VAR, --nats-creds FILE).
 */
export function queueTarget(f: QueueFlags): QueueTarget {
  const given = [f.nats, f.redis ?? f.redisEnv].filter((x) => x !== undefined).length;
  if (given !== 1) throw new SigrunError("USAGE", "give exactly one of --nats, --redis, --redis-env");
  if (f.redis !== undefined && f.redisEnv !== undefined)
    throw new SigrunError("USAGE", "give --redis or --redis-env, not both");
  if ((f.tlsCert === undefined) !== (f.tlsKey === undefined))
    throw new SigrunError("USAGE", "--tls-cert and --tls-key go together");
  const tls = f.tlsCa || f.tlsCert ? { ca: f.tlsCa, cert: f.tlsCert, key: f.tlsKey } : undefined;
  refuseSecretsInUrls(f);
  const prefix = f.prefix === undefined ? undefined : checkQueuePrefix(f.prefix, "--prefix");
  if (f.nats !== undefined) {
    if (f.redisEnv !== undefined) throw new SigrunError("USAGE", "--redis-env goes with Redis, not --nats");
    const stream = f.natsStream === undefined ? undefined : checkNatsStream(f.natsStream, "--nats-stream");
    return { kind: "nats", url: f.nats, auth: { credsFile: f.natsCreds, tls }, prefix, stream };
  }
  if (f.natsCreds !== undefined) throw new SigrunError("USAGE", "--nats-creds goes with --nats");
  if (f.natsStream !== undefined) throw new SigrunError("USAGE", "--nats-stream goes with --nats");
  return {
    kind: "redis",
    url: resolveRedisUrl({ url: f.redis, urlEnv: f.redisEnv }),
    auth: { tls },
    prefix,
  };
}
