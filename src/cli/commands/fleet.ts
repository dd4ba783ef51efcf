import type { Command } from "commander";
import { checkUrl, printJson } from "../io.js";

interface FleetFlags {
  nats?: string;
  natsCreds?: string;
  redis?: string;
  redisEnv?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  prefix?: string;
  natsStream?: string;
  group?: string;
  hostKeys?: string;
  json?: boolean;
}

/** Version of `fleet ls --json` output. */
const FLEET_LS_VERSION = 1;

function age(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.floor(s / 60)}m ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export function register(program: Command): void {
  const fleet = program
    .command("fleet")
    .description("agents that announce themselves on a queue (NATS, Redis): ls");
  fleet
    .command("ls")
    .description(
      "list the agents whose heartbeats are on the queue: host id, groups, version, last seen, live or not, " +
        "and whether the heartbeat's signature verifies with the host key in --host-keys",
    )
    .option("--nats <url>", "NATS server (JetStream)")
    .option(
      "--nats-creds <file>",
      "NATS credentials: a .creds file, a token file, or user and password on two lines (never in the URL)",
    )
    .option("--redis <url>", "Redis server (no password in it: see --redis-env)")
    .option("--redis-env <var>", "Redis URL, with its password, from this environment variable")
    .option("--tls-ca <file>", "CA certificate(s) to trust (PEM)")
    .option("--tls-cert <file>", "client certificate (PEM)")
    .option("--tls-key <file>", "client certificate key (PEM file)")
    .option(
      "--prefix <prefix>",
      "NATS subject / Redis key prefix the agents use (agent config nats.subjectPrefix, redis.prefix; default sigrun)",
    )
    .option(
      "--nats-stream <name>",
      "JetStream jobs stream the agents use (agent config nats.stream; default SIGRUN_JOBS)",
    )
    .option("--group <name>", "only members of this group")
    .option("--host-keys <dir>", "verify each heartbeat with <dir>/<host-id>.pub (the agent's host.pub)")
    .option("--json", `print {"version": ${FLEET_LS_VERSION}, "hosts": [...], "invalid": [...]} as JSON`)
    .action(async (o: FleetFlags) => {
      if (o.nats !== undefined) checkUrl(o.nats, "--nats", ["nats", "tls"]);
      if (o.redis !== undefined) checkUrl(o.redis, "--redis", ["redis", "rediss"]);
      const { queueTarget } = await import("../../agent/client/queue-target.js");
      const { hostKeysDir, listFleet } = await import("../../agent/client/fleet.js");
      const target = queueTarget(o);
      const l = await listFleet(target, { group: o.group, hostKeys: hostKeysDir(o.hostKeys) });
      if (o.json)
        return printJson({
          version: FLEET_LS_VERSION,
          hosts: l.hosts.map((e) => ({
            host: e.heartbeat.host.id,
            keyId: e.heartbeat.host.keyId,
            groups: e.heartbeat.host.groups,
            agentVersion: e.heartbeat.agent.version,
            transport: e.heartbeat.transport,
            state: e.heartbeat.state,
            live: e.live,
            startedAt: e.heartbeat.startedAt,
            lastSeen: e.heartbeat.lastSeen,
            ageMs: e.ageMs,
            intervalMs: e.heartbeat.intervalMs,
            signature: e.trust,
          })),
          invalid: l.invalid,
        });
      const rows = [
        ["HOST", "GROUPS", "VERSION", "LAST SEEN", "STATE", "SIGNATURE"],
        ...l.hosts.map((e) => [
          e.heartbeat.host.id,
          e.heartbeat.host.groups.join(",") || "-",
          e.heartbeat.agent.version,
          age(e.ageMs),
          e.live ? "live" : e.heartbeat.state === "stopped" ? "stopped" : "stale",
          e.trust === "bad-signature" ? "BAD-SIGNATURE" : e.trust,
        ]),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
      for (const r of rows)
        process.stdout.write(
          `${r
            .map((c, i) => c.padEnd(widths[i] ?? 0))
            .join("  ")
            .trimEnd()}\n`,
        );
      if (l.hosts.length === 0) process.stderr.write("no agent has announced itself on this queue\n");
      if (l.invalid.length > 0)
        process.stderr.write(`skipped ${l.invalid.length} unreadable heartbeat record(s) (see --json)\n`);
      if (l.hosts.some((e) => e.trust === "bad-signature"))
        process.stderr.write(
          "BAD-SIGNATURE: a heartbeat not signed by the host's key in --host-keys (spoofed, or the host key changed)\n",
        );
    });
}
