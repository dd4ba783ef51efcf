import { type Command, Option } from "commander";
import { printJson, readInput } from "../io.js";

interface AgentFlags {
  config?: string;
  trust?: string[];
  state?: string;
  hostId?: string;
  groups?: string;
  workers?: string;
  maxBundleBytes?: string;
  inbox?: string;
  http?: string;
  stdin?: boolean;
  sig?: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  readTokenFile?: string;
  submitTokenFile?: string;
  clientRole?: string[];
  nats?: string;
  redis?: string;
  natsCreds?: string;
  redisEnv?: string;
  prefix?: string;
  natsStream?: string;
  s3?: string;
  s3Endpoint?: string;
  json?: boolean;
  logFormat?: string;
  runnerModule?: string;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function register(program: Command): void {
  const agent = program
    .command("agent")
    .description(
      "run the agent: only bundles that verify against the trust store run (any transport); every job, " +
        "run or rejected, gets a signed receipt and audit entries. Transports: --inbox, --http, --stdin, --nats, --redis, --s3",
    )
    .option("--config <file>", "agent.json (see `sigrun agent init`); flags override it")
    .option("--trust <dir|file>", "trusted signer keys (repeatable)", collect)
    .option("--state <dir>", "state dir: host key, state.db (jobs, replay set, audit chain), blobs/, work/")
    .option("--host-id <id>", "this host's name (default: the hostname)")
    .option("--groups <a,b>", "groups this host belongs to")
    .option("--workers <n>", "concurrent runs (default 2)")
    .option("--max-bundle-bytes <n>", "size cap for every transport (default 16 MiB)")
    .option("--inbox <dir>", "watch this directory (writers: temp name + rename)")
    .option("--http <host:port>", "serve POST /execute, GET /jobs/:id, /healthz, /host")
    .option("--tls-cert <file>", "with --http: serve HTTPS with this certificate (PEM)")
    .option("--tls-key <file>", "with --http: the certificate's key (PEM file)")
    .option("--client-ca <file>", "with --http TLS: require client certificates issued by this CA")
    .option(
      "--read-token-file <file>",
      "with --http: bearer token of the read-only role (GET /jobs…, /metrics)",
    )
    .option(
      "--submit-token-file <file>",
      "with --http: bearer token of the submit role (POST /execute, and reads)",
    )
    .option(
      "--client-role <role=match>",
      "with --client-ca: the role of a client certificate, read|submit=sha256:FINGERPRINT | cn:NAME | " +
        "san:TYPE:VALUE (repeatable; a certificate no rule names gets no role)",
      collect,
    )
    .option("--stdin", "run one bundle read from stdin, print its receipt, exit")
    .option("--sig <file>", "with --stdin: detached openssl signature (classic tar.gz form)")
    .option("--nats <url>", "NATS JetStream server (durable consumer per host)")
    .option(
      "--nats-creds <file>",
      "with --nats: a NATS .creds file, a token file, or user and password on two lines (never in the URL)",
    )
    .option("--redis <url>", "Redis server (stream consumer group per host)")
    .option("--redis-env <var>", "Redis URL, with its password, from this environment variable")
    .option(
      "--prefix <prefix>",
      "with --nats/--redis: NATS subject / Redis key prefix (config nats.subjectPrefix, redis.prefix; default sigrun)",
    )
    .option(
      "--nats-stream <name>",
      "with --nats: JetStream jobs stream (config nats.stream; default SIGRUN_JOBS)",
    )
    .option("--s3 <url>", "poll s3://bucket/prefix for *.sgb and *.tar.gz+*.sig; receipts go beside them")
    .option("--s3-endpoint <url>", "with --s3: S3-compatible endpoint (default AWS_ENDPOINT_URL_S3 or AWS)")
    .option("--json", "print events (ready, stopped) as JSON lines on stdout")
    .option(
      "--log-format <format>",
      "job event lines on stderr (received, rejected, started, finished): text | json",
      "text",
    )
    .addOption(new Option("--runner-module <url>", "module exporting runBundle (tests)").hideHelp())
    .action(async (o: AgentFlags) => {
      const { SigrunError } = await import("../../core/index.js");
      const { parseAgentConfig } = await import("../../agent/index.js");
      const { utf8Decode } = await import("../../core/index.js");
      const cfg = o.config
        ? parseAgentConfig(utf8Decode(readInput(o.config, "agent config"), "agent config"))
        : {};
      if (o.trust) cfg.trust = o.trust;
      if (o.state) cfg.state = o.state;
      if (o.hostId) cfg.hostId = o.hostId;
      if (o.groups !== undefined) cfg.groups = o.groups.split(",").filter((g) => g !== "");
      const int = (v: string, flag: string): number => {
        if (!/^\d{1,10}$/.test(v)) throw new SigrunError("USAGE", `${flag}: expected an integer, got ${v}`);
        return Number(v);
      };
      if (o.workers) cfg.workers = int(o.workers, "--workers");
      if (o.maxBundleBytes) cfg.maxBundleBytes = int(o.maxBundleBytes, "--max-bundle-bytes");
      if (o.inbox) cfg.inbox = { dir: o.inbox };
      if (o.http) cfg.http = { listen: o.http };
      if (cfg.http && (o.tlsCert || o.tlsKey || o.clientCa)) {
        if (!(o.tlsCert ?? cfg.http.tlsCert) || !(o.tlsKey ?? cfg.http.tlsKey))
          throw new SigrunError("USAGE", "agent: --tls-cert and --tls-key go together");
        cfg.http = {
          ...cfg.http,
          tlsCert: o.tlsCert ?? cfg.http.tlsCert,
          tlsKey: o.tlsKey ?? cfg.http.tlsKey,
          clientCa: o.clientCa ?? cfg.http.clientCa,
        };
      }
      if (cfg.http && o.readTokenFile) cfg.http = { ...cfg.http, readTokenFile: o.readTokenFile };
      if (cfg.http && o.submitTokenFile) cfg.http = { ...cfg.http, submitTokenFile: o.submitTokenFile };
      if (cfg.http && o.clientRole) {
        const { parseClientRoleFlag } = await import("../../agent/api-roles.js");
        cfg.http = { ...cfg.http, clientRoles: o.clientRole.map(parseClientRoleFlag) };
      }
      const { refuseSecretsInUrls } = await import("../../agent/transports/queue-auth.js");
      refuseSecretsInUrls(o);
      if (o.redis && o.redisEnv)
        throw new SigrunError("USAGE", "agent: give --redis or --redis-env, not both");
      // flags override the config's fields one by one (its TLS files, prefix and stream stay)
      if (o.nats) cfg.nats = { ...cfg.nats, url: o.nats, ...(o.natsCreds ? { credsFile: o.natsCreds } : {}) };
      if (o.redis || o.redisEnv) {
        const { url: _u, urlEnv: _e, ...rest } = cfg.redis ?? {};
        cfg.redis = { ...rest, ...(o.redisEnv ? { urlEnv: o.redisEnv } : { url: o.redis }) };
      }
      if (o.prefix !== undefined || o.natsStream !== undefined) {
        const { checkNatsStream, checkQueuePrefix } = await import("../../agent/transports/queue-names.js");
        if (!cfg.nats && !cfg.redis)
          throw new SigrunError("USAGE", "agent: --prefix and --nats-stream go with --nats or --redis");
        if (o.natsStream !== undefined && !cfg.nats)
          throw new SigrunError("USAGE", "agent: --nats-stream goes with --nats");
        if (o.prefix !== undefined) {
          const prefix = checkQueuePrefix(o.prefix, "--prefix");
          if (cfg.nats) cfg.nats = { ...cfg.nats, subjectPrefix: prefix };
          if (cfg.redis) cfg.redis = { ...cfg.redis, prefix };
        }
        if (o.natsStream !== undefined && cfg.nats)
          cfg.nats = { ...cfg.nats, stream: checkNatsStream(o.natsStream, "--nats-stream") };
      }
      if (o.s3) cfg.s3 = { url: o.s3, ...(o.s3Endpoint ? { endpoint: o.s3Endpoint } : {}) };
      if (o.stdin) cfg.stdin = true;
      if (cfg.stdin) return runStdin(cfg, o);
      if (!cfg.inbox && !cfg.http && !cfg.nats && !cfg.redis && !cfg.s3)
        throw new SigrunError(
          "USAGE",
          "agent: give at least one transport: --inbox, --http, --stdin, --nats, --redis or --s3",
        );
      const { serveAgent } = await import("../../agent/serve.js");
      if (o.logFormat !== "text" && o.logFormat !== "json")
        throw new SigrunError("USAGE", `--log-format: expected json or text, got ${o.logFormat}`);
      const running = await serveAgent(cfg, { runnerModule: o.runnerModule, logFormat: o.logFormat });
      const ready = {
        event: "ready",
        hostId: running.agent.hostId,
        keyId: running.agent.identity.publicKey.keyId,
        transports: running.transports.map((t) => t.describe()),
      };
      // the handlers go in before "ready" is printed: a supervisor may send SIGTERM as soon as it reads it
      const signalled = new Promise<void>((resolve) => {
        const onSignal = (): void => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          resolve();
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
      });
      if (o.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
      else
        process.stderr.write(
          `sigrun agent: host ${ready.hostId} (receipt key ${ready.keyId}) on ${ready.transports.join(", ")}\n`,
        );
      await signalled;
      await running.stop();
      if (o.json) process.stdout.write(`${JSON.stringify({ event: "stopped" })}\n`);
    });

  agent
    .command("migrate-state <dir>")
    .description(
      "import a state dir of the JSON-lines layout (audit.log, replay.jsonl, jobs/) into state.db once; " +
        "the old files move to DIR/legacy-<time>/ (stop the agent first)",
    )
    .option("--json", "print the report as JSON")
    .action(async (dir: string, _o: unknown, cmd: Command) => {
      // --json also belongs to `agent` (commander parses it there)
      const o = cmd.optsWithGlobals() as { json?: boolean };
      const { migrateState } = await import("../../agent/migrate-state.js");
      const r = await migrateState(dir);
      if (o.json) printJson(r);
      else
        process.stderr.write(
          `migrated ${dir}: ${r.auditEntries} audit entries, ${r.jobs} jobs, ${r.replay} replay ids into state.db; ` +
            `old files in ${r.legacyDir}\n`,
        );
    });

  agent
    .command("init")
    .description("write a commented agent.json and a hardened systemd unit (sigrun-agent.service)")
    .option("--dir <dir>", "where to write both files", ".")
    .option("--force", "overwrite existing files")
    .option("--json", "print the paths written as JSON")
    .addHelpText(
      "after",
      "\nAlso takes the agent's --host-id, --groups, --state, --trust, --inbox, --http (with --tls-cert, --tls-key,\n" +
        "--client-ca, --client-role, --read-token-file, --submit-token-file), --nats (--nats-creds), --redis or\n" +
        "--redis-env, --prefix and --nats-stream to fill in the config, --log-format json for the unit's ExecStart,\n" +
        "and --config FILE: where the config will be installed (default DIR/agent.json), named by ExecStart. The\n" +
        "config has the transports given and only those (none given: an inbox and plain HTTP on 127.0.0.1:8080);\n" +
        "the unit's ReadWritePaths= names the inbox and a state dir outside /var/lib. Relative paths are made\n" +
        "absolute. With HTTP flags but no --http the config listens on 127.0.0.1:8080 (8443 with --tls-cert).",
    )
    .action(async (_o: unknown, cmd: Command) => {
      // the agent's flags belong to `agent` (commander parses them there)
      const all = cmd.optsWithGlobals() as { dir: string; force?: boolean; json?: boolean } & AgentFlags;
      const { join, resolve } = await import("node:path");
      const { hostname } = await import("node:os");
      const { mkdirSync } = await import("node:fs");
      const { SigrunError } = await import("../../core/index.js");
      const { defaultHttpListen, sampleConfig, systemdUnit } = await import("../../agent/index.js");
      const { writeOutput } = await import("../io.js");
      const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(p));
      const state = resolve(all.state ?? "/var/lib/sigrun");
      const trust = resolve(all.trust?.[0] ?? "/etc/sigrun/trusted");
      // the transports given, and only those; none given: the example (inbox + plain HTTP on 127.0.0.1)
      const httpGiven = Boolean(
        all.http ||
          all.tlsCert ||
          all.tlsKey ||
          all.clientCa ||
          all.clientRole ||
          all.readTokenFile ||
          all.submitTokenFile,
      );
      const queueGiven = Boolean(all.nats || all.redis || all.redisEnv);
      const example = !all.inbox && !httpGiven && !queueGiven;
      const inbox =
        all.inbox !== undefined || example ? resolve(all.inbox ?? "/var/spool/sigrun/inbox") : undefined;
      mkdirSync(all.dir, { recursive: true });
      const config = join(all.dir, "agent.json");
      const unit = join(all.dir, "sigrun-agent.service");
      const configPath = resolve(all.config ?? config);
      const hostId = all.hostId ?? hostname().split(".")[0]!;
      let http: import("../../agent/index.js").AgentConfig["http"] | null = example ? undefined : null;
      const tlsGiven = Boolean(all.tlsCert || all.tlsKey || all.clientCa);
      if (tlsGiven && !(all.tlsCert && all.tlsKey))
        throw new SigrunError("USAGE", "agent init: --tls-cert and --tls-key go together");
      if (all.clientRole && !all.clientCa)
        throw new SigrunError(
          "USAGE",
          "agent init: --client-role needs --client-ca (and --tls-cert, --tls-key)",
        );
      if (all.http || tlsGiven || all.clientRole || all.readTokenFile || all.submitTokenFile) {
        const { parseClientRoleFlag } = await import("../../agent/api-roles.js");
        http = {
          listen: all.http ?? defaultHttpListen(Boolean(all.tlsCert)),
          ...(all.tlsCert ? { tlsCert: abs(all.tlsCert), tlsKey: abs(all.tlsKey) } : {}),
          ...(all.clientCa ? { clientCa: abs(all.clientCa) } : {}),
          ...(all.clientRole ? { clientRoles: all.clientRole.map(parseClientRoleFlag) } : {}),
          ...(all.readTokenFile ? { readTokenFile: abs(all.readTokenFile) } : {}),
          ...(all.submitTokenFile ? { submitTokenFile: abs(all.submitTokenFile) } : {}),
        };
      }
      const groups = all.groups?.split(",").filter((g) => g !== "");
      const queues = await initQueues(all, abs);
      if (all.logFormat !== "text" && all.logFormat !== "json")
        throw new SigrunError("USAGE", `--log-format: expected json or text, got ${all.logFormat}`);
      const args = all.logFormat === "json" ? ["--log-format", "json"] : [];
      writeOutput(
        config,
        sampleConfig({ hostId, state, trust, inbox, config: configPath, groups, http, ...queues }),
        { overwrite: all.force },
      );
      writeOutput(unit, systemdUnit({ config: configPath, state, inbox, trust, args }), {
        overwrite: all.force,
      });
      if (all.json) printJson({ config, unit, configPath });
      else
        process.stderr.write(
          `wrote ${config} and ${unit} (the unit runs: sigrun agent --config ${configPath})\n`,
        );
    });
}

/** `agent init`: the NATS/Redis transports given (credentials as file paths or variable names only). */
async function initQueues(
  all: AgentFlags,
  abs: (p: string | undefined) => string | undefined,
): Promise<Pick<import("../../agent/index.js").AgentConfig, "nats" | "redis">> {
  const { SigrunError } = await import("../../core/index.js");
  const { refuseSecretsInUrls } = await import("../../agent/transports/queue-auth.js");
  const { checkNatsStream, checkQueuePrefix } = await import("../../agent/transports/queue-names.js");
  refuseSecretsInUrls(all);
  if (all.redis && all.redisEnv)
    throw new SigrunError("USAGE", "agent init: give --redis or --redis-env, not both");
  if (all.natsCreds && !all.nats) throw new SigrunError("USAGE", "agent init: --nats-creds goes with --nats");
  if (all.natsStream && !all.nats)
    throw new SigrunError("USAGE", "agent init: --nats-stream goes with --nats");
  const queue = Boolean(all.nats || all.redis || all.redisEnv);
  if (all.prefix !== undefined && !queue)
    throw new SigrunError("USAGE", "agent init: --prefix goes with --nats or --redis");
  const prefix = all.prefix === undefined ? undefined : checkQueuePrefix(all.prefix, "--prefix");
  const out: Pick<import("../../agent/index.js").AgentConfig, "nats" | "redis"> = {};
  if (all.nats)
    out.nats = {
      url: all.nats,
      ...(all.natsCreds ? { credsFile: abs(all.natsCreds) } : {}),
      ...(prefix ? { subjectPrefix: prefix } : {}),
      ...(all.natsStream ? { stream: checkNatsStream(all.natsStream, "--nats-stream") } : {}),
    };
  if (all.redis || all.redisEnv)
    out.redis = {
      ...(all.redisEnv ? { urlEnv: all.redisEnv } : { url: all.redis }),
      ...(prefix ? { prefix } : {}),
    };
  return out;
}

async function runStdin(cfg: import("../../agent/index.js").AgentConfig, o: AgentFlags): Promise<void> {
  const { SigrunError, isErrorCode } = await import("../../core/index.js");
  const { loadTrustStore } = await import("../../bundle/index.js");
  const { Agent, runFromStream } = await import("../../agent/index.js");
  const { hostname } = await import("node:os");
  const { exitCodeFor } = await import("../exit-codes.js");
  if (!cfg.trust?.length || !cfg.state)
    throw new SigrunError("USAGE", "agent --stdin: --trust and --state are required");
  const { checkStartupSafety } = await import("../../agent/startup-checks.js");
  const { legacyStateFiles } = await import("../../agent/state-db.js");
  if (legacyStateFiles(cfg.state).length === 0) checkStartupSafety({ trust: cfg.trust, stateDir: cfg.state });
  const agent = await Agent.start({
    stateDir: cfg.state,
    hostId: cfg.hostId ?? hostname().split(".")[0]!,
    groups: cfg.groups,
    trust: loadTrustStore(cfg.trust),
    threshold: cfg.threshold,
    maxBundleBytes: cfg.maxBundleBytes,
    workers: 1,
    limits: cfg.limits,
    runnerModule: o.runnerModule,
  });
  try {
    const { startsSealed, serveSealedStream } = await import("../../agent/sealed-stdin.js");
    const peek = o.sig ? { sealed: false } : await startsSealed(process.stdin);
    if (peek.sealed && peek.rest === undefined)
      return await serveSealedStream(agent, process.stdin, process.stdout, "ssh");
    const sig = o.sig ? readInput(o.sig, "signature") : undefined;
    // an input that ended while it was peeked at (short or empty) is submitted as it is
    const r =
      "rest" in peek && peek.rest !== undefined
        ? await agent.submit({ bytes: peek.rest, sig, transport: "stdin", queuedAt: Date.now() })
        : await runFromStream(agent, process.stdin, sig);
    process.stdout.write(r.receipt);
    if (r.status !== "succeeded") {
      process.stderr.write(`sigrun: ${r.errorCode}: job ${r.jobId} ${r.status}\n`);
      process.exitCode = r.errorCode && isErrorCode(r.errorCode) ? exitCodeFor(r.errorCode) : 1;
    }
  } finally {
    await agent.close();
  }
}
