// `--prefix` / `--nats-stream`: agents configured with a non-default subject/key prefix (and JetStream
// stream) are reachable by `fleet ls` and `submit --group --wait` given the same names, and invisible
// without them. Random names, so tests sharing one server do not meet.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../../test/kit/agent-fixtures.js";
import { fleetWorld } from "../../../test/kit/fleet-world.js";
import { natsUnavailable, startNats } from "../../../test/kit/nats.js";
import { redisAvailable, startTestRedis } from "../../../test/kit/redis.js";
import { cli, spawnAgent } from "../../../test/kit/spawn-agent.js";
import { publicKeyPem } from "../../keys/index.js";

type Listing = { hosts: { host: string; signature: string }[] };

async function checkPrefix(queue: string[], names: string[], kind: string): Promise<void> {
  const w = await fleetWorld([...queue, ...names], ["p1", "p2"]);
  try {
    const ls = cli(["fleet", "ls", ...queue, ...names, "--group", w.group, "--host-keys", w.keys, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(
      (JSON.parse(ls.stdout.toString()) as Listing).hosts.map((h) => [h.host, h.signature]),
      [
        [w.hostId("p1"), "verified"],
        [w.hostId("p2"), "verified"],
      ],
      kind,
    );
    // under the default names the group is unknown: the prefix is what found it
    const other = cli(["fleet", "ls", ...queue, "--group", w.group, "--json"]);
    assert.equal(other.status, 0, other.stderr);
    assert.deepEqual((JSON.parse(other.stdout.toString()) as Listing).hosts, [], kind);

    const job = join(w.dir, "job.sgb");
    writeFileSync(job, await stubBundle([w.owner], { targets: [`group:${w.group}`] }));
    const r = cli([
      "submit",
      job,
      ...queue,
      ...names,
      "--group",
      w.group,
      "--wait",
      "--timeout",
      "20s",
      "--host-keys",
      w.keys,
      "--json",
      "-o",
      `${join(w.dir, "new", "receipts")}/`,
    ]);
    assert.equal(r.status, 0, `${kind}: ${r.stderr}`);
    // -o DIR/ that does not exist yet: created, one file per host
    assert.deepEqual(readdirSync(join(w.dir, "new", "receipts")).sort(), [
      `${w.hostId("p1")}.receipt.json`,
      `${w.hostId("p2")}.receipt.json`,
    ]);
    const out = JSON.parse(r.stdout.toString()) as { expectedHosts: string[]; receipts: { host: string }[] };
    assert.deepEqual(out.expectedHosts, [w.hostId("p1"), w.hostId("p2")]);
    assert.deepEqual(out.receipts.map((x) => x.host).sort(), [w.hostId("p1"), w.hostId("p2")]);
  } finally {
    await w.stop();
  }
}

test("--prefix/--nats-stream: fleet ls and submit --group --wait reach agents on a non-default NATS prefix and stream", {
  skip: process.env.CI ? undefined : natsUnavailable(),
}, async () => {
  const nats = await startNats();
  const tag = randomBytes(4).toString("hex");
  const stream = `T_${tag}`;
  try {
    await checkPrefix(["--nats", nats.url], ["--prefix", `t${tag}.sigrun`, "--nats-stream", stream], "nats");
  } finally {
    const nc = await (await import("@nats-io/transport-node")).connect({ servers: nats.url });
    const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(nc);
    for (const s of [stream, `${stream}_RECEIPTS`, `${stream}_FLEET`])
      await jsm.streams.delete(s).catch(() => false);
    await nc.close();
    await nats.stop();
  }
});

test("--prefix: fleet ls and submit --group --wait reach agents on a non-default Redis key prefix", {
  skip: process.env.CI || redisAvailable() ? undefined : "redis-server not installed (CI installs it)",
}, async () => {
  const redis = await startTestRedis();
  const prefix = `t${randomBytes(4).toString("hex")}:sigrun`;
  try {
    await checkPrefix(["--redis", redis.url], ["--prefix", prefix], "redis");
  } finally {
    const { Redis } = await import("ioredis");
    const r = new Redis(redis.url);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
    await redis.stop();
  }
});

test("--prefix and --nats-stream are checked: no wildcard, no empty token, not with --to", () => {
  const cases: [string[], RegExp][] = [
    [["fleet", "ls", "--nats", "nats://127.0.0.1:1", "--prefix", "a.*"], /--prefix: expected/],
    [["fleet", "ls", "--nats", "nats://127.0.0.1:1", "--prefix", "a..b"], /--prefix: expected/],
    [["fleet", "ls", "--redis", "redis://127.0.0.1:1", "--prefix", "a:*"], /--prefix: expected/],
    [["fleet", "ls", "--nats", "nats://127.0.0.1:1", "--nats-stream", "A.B"], /--nats-stream: expected/],
    [
      ["fleet", "ls", "--redis", "redis://127.0.0.1:1", "--nats-stream", "AB"],
      /--nats-stream goes with --nats/,
    ],
    [["submit", "x.sgb", "--to", "http://127.0.0.1:1", "--prefix", "p"], /go with --nats or --redis/],
    [["agent", "--trust", "t", "--state", "s", "--inbox", "i", "--prefix", "p"], /go with --nats or --redis/],
  ];
  for (const [args, why] of cases) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, why);
  }
});

test("agent --redis URL over a config file keeps the config's prefix (flags override field by field)", {
  skip: process.env.CI || redisAvailable() ? undefined : "redis-server not installed (CI installs it)",
}, async () => {
  const redis = await startTestRedis();
  const d = tempDir();
  const prefix = `t${randomBytes(4).toString("hex")}:sigrun`;
  const host = `cfg-${randomBytes(3).toString("hex")}`;
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(ownerKey().publicKey.keyObject));
  const config = join(d.path, "agent.json");
  writeFileSync(config, JSON.stringify({ redis: { url: "redis://127.0.0.1:1", prefix } }));
  const agent = await spawnAgent([
    "--config",
    config,
    "--redis",
    redis.url,
    "--trust",
    join(d.path, "trusted"),
    "--state",
    join(d.path, "s"),
    "--host-id",
    host,
  ]);
  try {
    const ls = cli(["fleet", "ls", "--redis", redis.url, "--prefix", prefix, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(
      (JSON.parse(ls.stdout.toString()) as Listing).hosts.map((h) => h.host),
      [host],
    );
  } finally {
    await agent.stop();
    const { Redis } = await import("ioredis");
    const r = new Redis(redis.url);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
    await redis.stop();
    d.cleanup();
  }
});

test("submit --nats without --wait: a bundle JetStream already holds is not silently 'submitted' (exit 50 REPLAY)", {
  skip: process.env.CI ? undefined : natsUnavailable(),
}, async () => {
  const nats = await startNats();
  const d = tempDir();
  const tag = randomBytes(4).toString("hex");
  const q = ["--nats", nats.url, "--prefix", `t${tag}`, "--nats-stream", `T_${tag}`];
  try {
    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([ownerKey()], { targets: ["group:g"] }));
    const first = cli(["submit", job, ...q, "--group", "g"]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.toString(), `published to t${tag}.jobs.group.g\n`);
    const again = cli(["submit", job, ...q, "--group", "g"]);
    assert.equal(again.status, 50, again.stderr);
    assert.equal(
      again.stdout.toString(),
      `not queued again: t${tag}.jobs.group.g already holds this bundle\n`,
    );
    assert.match(again.stderr, /REPLAY: .*nothing was queued \(add --wait/);
  } finally {
    const nc = await (await import("@nats-io/transport-node")).connect({ servers: nats.url });
    const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(nc);
    for (const s of ["", "_RECEIPTS", "_FLEET"]) await jsm.streams.delete(`T_${tag}${s}`).catch(() => false);
    await nc.close();
    await nats.stop();
    d.cleanup();
  }
});
