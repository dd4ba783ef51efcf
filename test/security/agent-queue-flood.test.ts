// Attack: whoever may write to the agent's Redis stream (or NATS subject) floods it. The transport read
// entries as fast as the server delivered them and started a job for each without waiting, so every
// queued bundle (up to the 16 MiB cap each, Redis allows 512 MiB per field) sat in the agent's memory at
// once while the workers were busy: memory grew with the attacker's queue, not with the agent's work.
// A transport must hold at most a bounded number of submissions in flight; the rest stay in the queue.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { natsSubmit } from "../../src/agent/client/queue-submit.js";
import { NatsTransport, natsSubjects } from "../../src/agent/transports/nats.js";
import { RedisTransport, redisKeys } from "../../src/agent/transports/redis.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";

const MAX_INFLIGHT = 8;

import { natsUnavailable, startNats } from "../kit/nats.js";
import { redisAvailable, startTestRedis } from "../kit/redis.js";

const skip = !redisAvailable() && !process.env.CI ? "redis-server not installed" : false;

test("redis: a flood of queued bundles is read at most MAX_INFLIGHT at a time", { skip }, async () => {
  const redis = await startTestRedis();
  const d = tempDir();
  const owner = ownerKey();
  const { Redis } = await import("ioredis");
  const producer = new Redis(redis.url, { protocol: 2 });
  const agent = await Agent.start({
    stateDir: join(d.path, "a"),
    hostId: "flood-1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    workers: 1,
  });
  const t = new RedisTransport({ url: redis.url, prefix: redis.prefix, blockMs: 200 });
  try {
    const k = redisKeys(redis.prefix);
    const N = 40;
    for (let i = 0; i < N; i++) {
      const b = await stubBundle([owner], { op: { op: "sleep", ms: 300 } });
      await producer.call("XADD", k.host("flood-1"), "*", "bundle", Buffer.from(b));
    }
    await t.start(agent);
    await new Promise((r) => setTimeout(r, 1500));
    // entries delivered to the agent and not yet acknowledged = held in its memory
    const pending = (await producer.call("XPENDING", k.host("flood-1"), k.consumerGroup("flood-1"))) as [
      number,
    ];
    assert.ok(Number(pending[0]) <= MAX_INFLIGHT, `${pending[0]} entries in flight (cap ${MAX_INFLIGHT})`);
    assert.ok(Number(pending[0]) >= 1, "the agent is working");
  } finally {
    await t.stop();
    await agent.close();
    producer.disconnect();
    await redis.stop();
    d.cleanup();
  }
});

test("redis: the bound holds across the host stream and every group stream (COUNT is per stream)", {
  skip,
}, async () => {
  const redis = await startTestRedis();
  const d = tempDir();
  const owner = ownerKey();
  const { Redis } = await import("ioredis");
  const producer = new Redis(redis.url, { protocol: 2 });
  const groups = ["g1", "g2", "g3"];
  const agent = await Agent.start({
    stateDir: join(d.path, "a"),
    hostId: "flood-2",
    groups,
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    workers: 1,
  });
  const t = new RedisTransport({ url: redis.url, prefix: redis.prefix, blockMs: 200 });
  try {
    const k = redisKeys(redis.prefix);
    const streams = [k.host("flood-2"), ...groups.map((g) => k.group(g))];
    for (const s of streams)
      for (let i = 0; i < 12; i++) {
        const b = await stubBundle([owner], { op: { op: "sleep", ms: 300 } });
        await producer.call("XADD", s, "*", "bundle", Buffer.from(b));
      }
    await t.start(agent);
    await new Promise((r) => setTimeout(r, 1500));
    let pending = 0;
    for (const s of streams) {
      const p = (await producer.call("XPENDING", s, k.consumerGroup("flood-2"))) as [number];
      pending += Number(p[0]);
    }
    assert.ok(
      pending <= MAX_INFLIGHT,
      `${pending} entries in flight over ${streams.length} streams (cap ${MAX_INFLIGHT})`,
    );
    assert.ok(pending >= 1, "the agent is working");
  } finally {
    await t.stop();
    await agent.close();
    producer.disconnect();
    await redis.stop();
    d.cleanup();
  }
});

test("nats: a flood of queued bundles is taken a bounded number at a time", {
  skip: process.env.CI ? false : natsUnavailable(),
}, async () => {
  const nats = await startNats();
  const d = tempDir();
  const owner = ownerKey();
  const tag = `flood${process.pid}${Math.random().toString(36).slice(2, 8)}`;
  const stream = `SIGRUN_TEST_${tag}`;
  const prefix = `sigrun-test-${tag}`;
  const agent = await Agent.start({
    stateDir: join(d.path, "a"),
    hostId: "flood-n",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    workers: 1,
  });
  const t = new NatsTransport({ url: nats.url, stream, subjectPrefix: prefix });
  const nmod = await import("@nats-io/transport-node");
  const jsmod = await import("@nats-io/jetstream");
  const nc = await nmod.connect({ servers: nats.url });
  try {
    for (let i = 0; i < 40; i++) {
      const bundle = await stubBundle([owner], { op: { op: "sleep", ms: 300 } });
      await natsSubmit({
        url: nats.url,
        subject: natsSubjects(prefix).host("flood-n"),
        bundle,
        waitFor: 0,
        timeoutMs: 5000,
        prefix,
        stream,
      });
    }
    await t.start(agent);
    await new Promise((r) => setTimeout(r, 1500));
    const jsm = await jsmod.jetstreamManager(nc);
    const info = await jsm.consumers.info(stream, "sigrun-flood-n-host");
    // MAX_INFLIGHT being handled + the consumer's prefetch buffer (8)
    assert.ok(info.num_ack_pending <= 2 * MAX_INFLIGHT, `${info.num_ack_pending} delivered and unanswered`);
    assert.ok(info.num_ack_pending >= 1, "the agent is working");
  } finally {
    await t.stop();
    await agent.close();
    const jsm = await jsmod.jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => undefined);
    await jsm.streams.delete(`${stream}_RECEIPTS`).catch(() => undefined);
    await nc.close();
    await nats.stop();
    d.cleanup();
  }
});
