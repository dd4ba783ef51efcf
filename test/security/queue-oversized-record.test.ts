// Anyone who may publish on the queue can put a record of any size (up to the server's limits: Redis 512 MB
// per value, NATS max_payload) where `submit --wait` reads receipts and `fleet ls` reads heartbeats. The
// client caps what it reads at the transport — Redis values are measured on the server and an oversized one
// is never sent; a NATS message over the cap is dropped unparsed — and reports each skipped record as a
// TOO_LARGE error while the wait goes on.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ensureNatsStreams, natsStreams, natsSubjects } from "../../src/agent/transports/nats.js";
import { redisKeys } from "../../src/agent/transports/redis.js";
import { ownerKey, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { natsUnavailable, startNats } from "../kit/nats.js";
import { redisAvailable, startTestRedis } from "../kit/redis.js";
import { CLI, cli } from "../kit/spawn-agent.js";

const BIG = 2 * 1024 * 1024; // over the 1 MiB receipt cap and the 64 KiB heartbeat cap

/** Runs the CLI without blocking this process (so the test can publish while it waits). */
function cliAsync(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    p.on("exit", (status) => resolve({ status, stderr }));
  });
}

type Listing = { hosts: unknown[]; invalid: { key: string; error: string }[] };

test("redis: an oversized heartbeat or receipt record is not read; fleet ls and submit --wait report TOO_LARGE", {
  skip: process.env.CI || redisAvailable() ? undefined : "redis-server not installed (CI installs it)",
}, async () => {
  const redis = await startTestRedis();
  const prefix = `t${randomBytes(4).toString("hex")}:sigrun`;
  const k = redisKeys(prefix);
  const d = tempDir();
  const { Redis } = await import("ioredis");
  const r = new Redis(redis.url);
  try {
    await r.set(k.fleetHost("big"), Buffer.alloc(BIG, 0x41));
    const ls = cli(["fleet", "ls", "--redis", redis.url, "--prefix", prefix, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    const l = JSON.parse(ls.stdout.toString()) as Listing;
    assert.deepEqual(l.hosts, []);
    assert.equal(l.invalid.length, 1);
    assert.equal(l.invalid[0]!.key, k.fleetHost("big"));
    assert.match(
      l.invalid[0]!.error,
      new RegExp(`^TOO_LARGE: .*${BIG} bytes \\(a client reads at most 65536\\)`),
    );

    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([ownerKey()], { targets: ["group:g"] }));
    const waiting = cliAsync([
      "submit",
      job,
      "--redis",
      redis.url,
      "--prefix",
      prefix,
      "--group",
      "g",
      "--count",
      "1",
      "--wait",
      "--timeout",
      "3s",
    ]);
    await new Promise((res) => setTimeout(res, 800));
    await r.xadd(k.groupReceipts("g"), "*", "receipt", Buffer.alloc(BIG, 0x7b));
    const s = await waiting;
    assert.equal(s.status, 44, s.stderr); // TIMEOUT: nothing usable arrived
    assert.match(
      s.stderr,
      new RegExp(`TOO_LARGE: redis ${k.groupReceipts("g")} entry \\S+: skipped a record of ${BIG} bytes`),
    );
  } finally {
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
    await redis.stop();
    d.cleanup();
  }
});

test("nats: a message over the cap (server max_payload 4 MiB) is dropped unparsed; fleet ls and submit --wait report TOO_LARGE", {
  skip: process.env.CI ? undefined : natsUnavailable(),
}, async () => {
  const d = tempDir();
  const conf = join(d.path, "nats.conf");
  writeFileSync(conf, "max_payload: 4194304\n");
  const nats = await startNats({ args: ["-c", conf] });
  const tag = randomBytes(4).toString("hex");
  const q = { prefix: `t${tag}`, stream: `T_${tag}` };
  const names = ["--prefix", q.prefix, "--nats-stream", q.stream];
  const natsmod = await import("@nats-io/transport-node");
  const jsmod = await import("@nats-io/jetstream");
  const nc = await natsmod.connect({ servers: nats.url });
  try {
    const jsm = await jsmod.jetstreamManager(nc);
    await ensureNatsStreams(jsm, jsmod, q);
    const js = jsmod.jetstream(nc);
    const s = natsSubjects(q.prefix);
    await js.publish(s.fleetHost("big"), Buffer.alloc(BIG, 0x41));
    const ls = cli(["fleet", "ls", "--nats", nats.url, ...names, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    const l = JSON.parse(ls.stdout.toString()) as Listing;
    assert.deepEqual(l.hosts, []);
    assert.deepEqual(
      l.invalid.map((x) => x.key),
      [s.fleetHost("big")],
    );
    assert.match(
      l.invalid[0]!.error,
      new RegExp(`^TOO_LARGE: nats ${s.fleetHost("big")}: skipped a record of ${BIG} bytes`),
    );

    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([ownerKey()], { targets: ["group:g"] }));
    const waiting = cliAsync([
      "submit",
      job,
      "--nats",
      nats.url,
      ...names,
      "--group",
      "g",
      "--count",
      "1",
      "--wait",
      "--timeout",
      "3s",
    ]);
    await new Promise((res) => setTimeout(res, 800));
    nc.publish(s.receiptFor("x"), Buffer.alloc(BIG, 0x7b));
    await nc.flush();
    const sub = await waiting;
    assert.equal(sub.status, 44, sub.stderr);
    assert.match(
      sub.stderr,
      new RegExp(`TOO_LARGE: nats ${s.receiptFor("x")}: skipped a record of ${BIG} bytes`),
    );
    for (const x of Object.values(natsStreams(q.stream))) await jsm.streams.delete(x).catch(() => false);
  } finally {
    await nc.close();
    await nats.stop();
    d.cleanup();
  }
});
