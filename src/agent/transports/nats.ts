import { fromBase64, SigrunError } from "../../core/index.js";
import type { Agent, JobResult } from "../agent.js";
import { DEFAULT_HEARTBEAT_MS, HEARTBEAT_KEEP_SECONDS, HeartbeatLoop } from "../heartbeat.js";
import { natsConnectOptions, redactUrl } from "./queue-auth.js";
import { belowInflight, type Transport } from "./transport.js";

export interface NatsOptions {
  readonly url: string;
  /** JetStream stream holding jobs (default SIGRUN_JOBS, subjects `<prefix>.jobs.>`). */
  readonly stream?: string;
  /** Subject prefix (default `sigrun`). */
  readonly subjectPrefix?: string;
  /** A NATS `.creds` file or a token file (docs/cli.md#agent). */
  readonly credsFile?: string;
  /** TLS: CA file, client certificate and key files (PEM). */
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Heartbeat interval (default 30 s; docs/spec/fleet-heartbeat.md). */
  readonly heartbeatMs?: number;
}

/** Subject names shared by the agent and `sigrun submit --nats`. */
export function natsSubjects(prefix = "sigrun") {
  return {
    jobs: `${prefix}.jobs.>`,
    host: (id: string) => `${prefix}.jobs.host.${id}`,
    group: (g: string) => `${prefix}.jobs.group.${g}`,
    receipts: `${prefix}.receipts.>`,
    receiptFor: (hostId: string) => `${prefix}.receipts.${hostId}`,
    fleet: `${prefix}.fleet.>`,
    fleetHost: (hostId: string) => `${prefix}.fleet.${hostId}`,
  };
}

/** The stream names for a jobs stream (default SIGRUN_JOBS → SIGRUN_JOBS_RECEIPTS, SIGRUN_JOBS_FLEET). */
export function natsStreams(stream = NATS_JOBS_STREAM): { jobs: string; receipts: string; fleet: string } {
  return { jobs: stream, receipts: `${stream}_RECEIPTS`, fleet: `${stream}_FLEET` };
}

export const NATS_JOBS_STREAM = "SIGRUN_JOBS";
/** Header carrying the classic form's detached signature (base64). */
export const NATS_SIG_HEADER = "Sigrun-Sig";

/** The signature header, strictly decoded; a malformed one becomes an empty signature, which fails
 * verification with a receipt saying so (never a lenient decode of garbage). */
function decodeSigHeader(text: string): Uint8Array {
  try {
    return fromBase64(text, NATS_SIG_HEADER);
  } catch {
    return new Uint8Array(0);
  }
}

type Nats = typeof import("@nats-io/transport-node");
type Js = typeof import("@nats-io/jetstream");

/** Creates the job, receipt and fleet streams if missing (idempotent). */
export async function ensureNatsStreams(
  jsm: Awaited<ReturnType<Js["jetstreamManager"]>>,
  js: Js,
  opts: { stream?: string; prefix?: string },
): Promise<void> {
  const s = natsSubjects(opts.prefix);
  const names = natsStreams(opts.stream);
  const week = 7 * 24 * 3600 * 1e9;
  const want = [
    { name: names.jobs, subjects: [s.jobs], max_age: week, extra: {} },
    { name: names.receipts, subjects: [s.receipts], max_age: week, extra: {} },
    {
      name: names.fleet,
      subjects: [s.fleet],
      max_age: HEARTBEAT_KEEP_SECONDS * 1e9,
      extra: { max_msgs_per_subject: 1 },
    },
  ];
  for (const w of want) {
    try {
      await jsm.streams.info(w.name);
    } catch {
      try {
        await jsm.streams.add({
          name: w.name,
          subjects: w.subjects,
          retention: js.RetentionPolicy.Limits,
          storage: js.StorageType.File,
          max_age: w.max_age,
          duplicate_window: 10 * 60 * 1e9,
          ...w.extra,
        });
      } catch (err) {
        // another process may have created it meanwhile
        await jsm.streams.info(w.name).catch(() => {
          throw err;
        });
      }
    }
  }
}

/**
 * NATS JetStream transport: one durable pull consumer per host and subject (its host subject and one per
 * group, so a bundle sent to `group:web` runs once on every member), explicit ack sent only after the
 * receipt is durable on disk and published to `<prefix>.receipts.<hostId>`. Publishers set msgID = bundle id
 * so JetStream drops duplicates inside its window; the agent's replay store catches the rest. A message
 * that was being run when the agent died is redelivered and answered INTERRUPTED. Every `heartbeatMs` the
 * agent publishes a signed heartbeat to `<prefix>.fleet.<hostId>` (docs/spec/fleet-heartbeat.md).
 */
export class NatsTransport implements Transport {
  readonly name = "nats";
  private nc: Awaited<ReturnType<Nats["connect"]>> | undefined;
  private readonly loops: Promise<void>[] = [];
  private readonly jobs = new Set<Promise<unknown>>();
  private readonly stops: (() => void)[] = [];
  private stopped = false;
  private heartbeat: HeartbeatLoop | undefined;

  constructor(private readonly opts: NatsOptions) {}

  describe(): string {
    return `nats ${redactUrl(this.opts.url)}`;
  }

  async start(agent: Agent): Promise<void> {
    const nats = await import("@nats-io/transport-node");
    const jsmod = await import("@nats-io/jetstream");
    const o = this.opts;
    const nc = await nats
      .connect(
        await natsConnectOptions(
          o.url,
          { credsFile: o.credsFile, tls: { ca: o.tlsCa, cert: o.tlsCert, key: o.tlsKey } },
          { name: `sigrun-agent-${agent.hostId}`, maxReconnectAttempts: -1 },
        ),
      )
      .catch((err: Error) => {
        throw new SigrunError("TRANSPORT_ERROR", `nats ${redactUrl(o.url)}: ${err.message}`, { cause: err });
      });
    this.nc = nc;
    const jsm = await jsmod.jetstreamManager(nc);
    const stream = this.opts.stream ?? NATS_JOBS_STREAM;
    await ensureNatsStreams(jsm, jsmod, { stream, prefix: this.opts.subjectPrefix });
    const js = jsmod.jetstream(nc);
    const s = natsSubjects(this.opts.subjectPrefix);
    const wanted = [
      { durable: `sigrun-${agent.hostId}-host`, subject: s.host(agent.hostId) },
      ...agent.groups.map((g) => ({
        durable: `sigrun-${agent.hostId}-g-${g}`.replace(/\./g, "_"),
        subject: s.group(g),
      })),
    ];
    for (const w of wanted) {
      const durable = w.durable.replace(/[^A-Za-z0-9_-]/g, "_");
      try {
        await jsm.consumers.info(stream, durable);
      } catch {
        await jsm.consumers.add(stream, {
          durable_name: durable,
          filter_subject: w.subject,
          ack_policy: jsmod.AckPolicy.Explicit,
          deliver_policy: jsmod.DeliverPolicy.All,
          ack_wait: 60 * 1e9,
          max_ack_pending: 1000,
        });
      }
      const consumer = await js.consumers.get(stream, durable);
      const messages = await consumer.consume({ max_messages: 8 });
      this.stops.push(() => void messages.stop());
      this.loops.push(
        (async () => {
          for await (const m of messages) {
            if (this.stopped) break;
            // at most MAX_INFLIGHT taken and unanswered; the consumer's prefetch (8) is bounded too
            await belowInflight(this.jobs);
            const job = this.handle(agent, js, m).catch((err) =>
              process.stderr.write(`sigrun agent: nats: ${(err as Error).message}\n`),
            );
            this.jobs.add(job);
            void job.finally(() => this.jobs.delete(job));
          }
        })(),
      );
    }
    this.heartbeat = new HeartbeatLoop({
      hostId: agent.hostId,
      groups: agent.groups,
      signer: agent.identity.signer,
      transport: "nats",
      intervalMs: o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      publish: async (id, env) => void (await js.publish(s.fleetHost(id), env)),
      warn: (m) => process.stderr.write(`sigrun agent: nats: ${m}\n`),
    });
    await this.heartbeat.start();
  }

  private async handle(
    agent: Agent,
    js: ReturnType<Js["jetstream"]>,
    m: import("@nats-io/jetstream").JsMsg,
  ): Promise<void> {
    const sigText = m.headers?.get(NATS_SIG_HEADER);
    const sig = sigText ? decodeSigHeader(sigText) : undefined;
    const keepAlive = setInterval(() => m.working(), 20_000);
    let r: JobResult;
    try {
      const tooLarge = m.data.byteLength > agent.maxBundleBytes;
      r = await agent.submit({
        bytes: tooLarge ? new Uint8Array(0) : m.data,
        sig,
        tooLarge,
        transport: "nats",
      });
    } finally {
      clearInterval(keepAlive);
    }
    const s = natsSubjects(this.opts.subjectPrefix);
    await js.publish(s.receiptFor(agent.hostId), r.receipt, { msgID: `${agent.hostId}-${r.jobId}` });
    m.ack();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.heartbeat?.stop();
    for (const s of this.stops) s();
    await Promise.allSettled([...this.jobs]);
    await Promise.allSettled(this.loops);
    await this.nc?.drain().catch(() => undefined);
  }
}
