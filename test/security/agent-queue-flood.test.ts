// Attack: whoever may write to the agent's Redis stream (or NATS subject) floods it. The transport read
// entries as fast as the server delivered them and started a job for each without waiting, so every
// queued bundle (up to the 16 MiB cap each, Redis allows 512 MiB per field) sat in the agent's memory at
// once while the workers were busy: memory grew with the attacker's queue, not with the agent's work.
// A transport must hold at most a bounded number of submissions in flight; the rest stay in the queue.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../../src/agent/testing/fixtures.js";
import { RedisTransport, redisKeys } from "../../src/agent/transports/redis.js";

const MAX_INFLIGHT = 8;

import { redisAvailable, startTestRedis } from "../helpers/redis.js";

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
