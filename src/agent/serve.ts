import { hostname } from "node:os";
import { loadTrustStore } from "../bundle/index.js";
import { parseDuration, parseListenAddress, SigrunError } from "../core/index.js";
import { Agent } from "./agent.js";
import type { AgentConfig } from "./config.js";
import { eventLogger, type LogFormat } from "./event-log.js";
import { checkStartupSafety } from "./startup-checks.js";
import { legacyStateFiles } from "./state-db.js";
import { HttpTransport } from "./transports/http.js";
import { InboxTransport } from "./transports/inbox.js";
import type { Transport } from "./transports/transport.js";

export interface RunningAgent {
  readonly agent: Agent;
  readonly transports: readonly Transport[];
  stop(): Promise<void>;
}

export interface ServeExtras {
  /** Module exporting runBundle (tests). */
  readonly runnerModule?: string;
  /** Job event lines on stderr: `text` (default) or `json` (`--log-format`); `none` for an embedded agent. */
  readonly logFormat?: LogFormat | "none";
}

/** Starts an agent and the long-running transports a configuration names (stdin is handled by the caller). */
export async function serveAgent(cfg: AgentConfig, extras: ServeExtras = {}): Promise<RunningAgent> {
  if (!cfg.trust || cfg.trust.length === 0)
    throw new SigrunError("USAGE", "agent: --trust (or config trust) is required");
  if (!cfg.state) throw new SigrunError("USAGE", "agent: --state (or config state) is required");
  // StrictModes: trust others could edit or secrets others could read refuse the start (an old layout is
  // refused by Agent.start with its own code first)
  if (legacyStateFiles(cfg.state).length === 0) checkStartupSafety({ trust: cfg.trust, stateDir: cfg.state });
  const trust = loadTrustStore(cfg.trust);
  const agent = await Agent.start({
    stateDir: cfg.state,
    hostId: cfg.hostId ?? hostname().split(".")[0]!,
    groups: cfg.groups,
    trust,
    threshold: cfg.threshold,
    maxBundleBytes: cfg.maxBundleBytes,
    replayMarginMs: cfg.replayMargin ? parseDuration(cfg.replayMargin, "replayMargin") : undefined,
    workers: cfg.workers,
    limits: cfg.limits,
    checkpointEvery: cfg.checkpointEvery,
    runnerModule: extras.runnerModule,
    ...(extras.logFormat === "none" ? {} : { onEvent: eventLogger(extras.logFormat ?? "text") }),
  });
  const transports: Transport[] = [];
  if (cfg.inbox) transports.push(new InboxTransport(cfg.inbox));
  if (cfg.http)
    transports.push(
      new HttpTransport({ ...parseListenAddress(cfg.http.listen, "http.listen"), ...cfg.http }),
    );
  if (cfg.nats) {
    const { NatsTransport } = await import("./transports/nats.js");
    transports.push(new NatsTransport(cfg.nats));
  }
  if (cfg.redis) {
    const { RedisTransport } = await import("./transports/redis.js");
    transports.push(new RedisTransport(cfg.redis));
  }
  if (cfg.s3) {
    const { S3Transport } = await import("./transports/s3.js");
    transports.push(new S3Transport(cfg.s3));
  }
  const started: Transport[] = [];
  try {
    for (const t of transports) {
      await t.start(agent);
      started.push(t);
    }
  } catch (err) {
    await Promise.allSettled(started.map((t) => t.stop()));
    await agent.close();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    agent,
    transports,
    stop: () => {
      stopping ??= (async () => {
        await Promise.allSettled(transports.map((t) => t.stop()));
        await agent.close();
      })();
      return stopping;
    },
  };
}
