// One way for the clients (submit, fleet ls) to connect to a queue: credentials and TLS from
// queue-auth.ts, a 5 s connect timeout, and a connection failure as TRANSPORT_ERROR naming the server
// (its URL without secrets).
import type { NatsConnection } from "@nats-io/transport-node";
import type { Redis } from "ioredis";
import { SigrunError } from "../../core/index.js";
import {
  type NatsAuth,
  natsConnectOptions,
  type RedisAuth,
  redactUrl,
  redisTlsOptions,
} from "../transports/queue-auth.js";

export async function connectNatsClient(url: string, auth: NatsAuth | undefined): Promise<NatsConnection> {
  const nats = await import("@nats-io/transport-node");
  return nats.connect(await natsConnectOptions(url, auth, { timeout: 5000 })).catch((err: Error) => {
    throw new SigrunError("TRANSPORT_ERROR", `nats ${redactUrl(url)}: ${err.message}`, { cause: err });
  });
}

/** A connected client (one retry per request; failures surface through the awaited commands). */
export async function connectRedisClient(url: string, auth: RedisAuth | undefined): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    protocol: 2,
    ...redisTlsOptions(auth),
  });
  r.on("error", () => undefined);
  try {
    await r.connect();
  } catch (err) {
    r.disconnect();
    throw new SigrunError("TRANSPORT_ERROR", `redis ${redactUrl(url)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return r;
}
