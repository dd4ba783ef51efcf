import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../../../test/kit/agent-fixtures.js";
import { natsUnavailable, startNats } from "../../../test/kit/nats.js";
import { redisAvailable, startTestRedis } from "../../../test/kit/redis.js";
import { Agent } from "../agent.js";
import { natsSubmit, redisSubmit } from "../client/queue-submit.js";
import { verifyReceipt } from "../receipt.js";
import { NatsTransport, natsStreams, natsSubjects } from "./nats.js";
import { RedisTransport, redisKeys } from "./redis.js";

test("nats: a group bundle runs once on every member; msgID de-duplicates; receipts come back", {
  skip: natsUnavailable(),
}, async () => {
  const nats = await startNats();
  const d = tempDir();
  const owner = ownerKey();
  const agents: Agent[] = [];
  const transports: NatsTransport[] = [];
  // names of its own: the server may be shared with other tests and live agents of group "web"
  const tag = Math.random().toString(16).slice(2, 10);
  const q = { stream: `T_${tag}`, prefix: `t${tag}` };
  try {
    for (const id of ["web-1", "web-2", "db-1"]) {
      const a = await Agent.start({
        stateDir: join(d.path, id),
        hostId: id,
        groups: id.startsWith("web") ? ["web"] : ["db"],
        trust: trustOf(owner),
        runnerModule: STUB_RUNNER,
      });
      const t = new NatsTransport({ url: nats.url, stream: q.stream, subjectPrefix: q.prefix });
      await t.start(a);
      agents.push(a);
      transports.push(t);
    }
    const s = natsSubjects(q.prefix);
    const bundle = await stubBundle([owner], { targets: ["group:web"] });
    const r = await natsSubmit({
      url: nats.url,
      ...q,
      subject: s.group("web"),
      bundle,
      waitFor: 2,
      timeoutMs: 15_000,
    });
    assert.equal(r.duplicate, false);
    const hosts = r.receipts.map((x) => {
      const st = JSON.parse(Buffer.from(JSON.parse(Buffer.from(x).toString()).payload, "base64").toString());
      return st.predicate.host.id as string;
    });
    assert.deepEqual(hosts.sort(), ["web-1", "web-2"]);
    for (const x of r.receipts) {
      const agent = agents.find(
        (a) =>
          a.hostId ===
          JSON.parse(Buffer.from(JSON.parse(Buffer.from(x).toString()).payload, "base64").toString())
            .predicate.host.id,
      )!;
      assert.equal(verifyReceipt(x, agent.identity.publicKey).predicate.status, "succeeded");
    }
    const again = await natsSubmit({
      url: nats.url,
      ...q,
      subject: s.group("web"),
      bundle,
      waitFor: 0,
      timeoutMs: 1000,
    });
    assert.equal(again.duplicate, true);
    const direct = await natsSubmit({
      url: nats.url,
      ...q,
      subject: s.host("db-1"),
      bundle: await stubBundle([owner]),
      waitFor: 1,
      timeoutMs: 15_000,
    });
    assert.equal(verifyReceipt(direct.receipts[0]!, agents[2]!.identity.publicKey).predicate.host.id, "db-1");
  } finally {
    for (const t of transports) await t.stop();
    for (const a of agents) await a.close();
    const nc = await (await import("@nats-io/transport-node")).connect({ servers: nats.url });
    const jsm = await (await import("@nats-io/jetstream")).jetstreamManager(nc);
    for (const x of Object.values(natsStreams(q.stream))) await jsm.streams.delete(x).catch(() => false);
    await nc.close();
    await nats.stop();
    d.cleanup();
  }
});

test("redis: consumer group per host, receipts stream, pending entries re-read after a restart", {
  skip: redisAvailable() ? false : "redis-server not installed (CI installs it)",
}, async () => {
  const redis = await startTestRedis();
  const d = tempDir();
  const owner = ownerKey();
  const k = redisKeys(`t${process.pid}`);
  try {
    const a = await Agent.start({
      stateDir: join(d.path, "h1"),
      hostId: "h1",
      trust: trustOf(owner),
      runnerModule: STUB_RUNNER,
    });
    const t = new RedisTransport({ url: redis.url, prefix: `t${process.pid}`, blockMs: 200 });
    await t.start(a);
    const bundle = await stubBundle([owner]);
    const r = await redisSubmit({
      url: redis.url,
      stream: k.host("h1"),
      bundle,
      waitHost: "h1",
      timeoutMs: 15_000,
      prefix: `t${process.pid}`,
    });
    assert.equal(verifyReceipt(r.receipt!, a.identity.publicKey).predicate.status, "succeeded");
    await t.stop();
    await a.close();

    // an entry delivered to h1 but never acked (the agent died) is processed after restart
    const { Redis } = await import("ioredis");
    const c = new Redis(redis.url, { protocol: 2 });
    const pending = await stubBundle([owner]);
    await c.call("XADD", k.host("h1"), "*", "bundle", Buffer.from(pending));
    await c.call(
      "XREADGROUP",
      "GROUP",
      k.consumerGroup("h1"),
      "h1",
      "COUNT",
      "10",
      "STREAMS",
      k.host("h1"),
      ">",
    );
    const a2 = await Agent.start({
      stateDir: join(d.path, "h1"),
      hostId: "h1",
      trust: trustOf(owner),
      runnerModule: STUB_RUNNER,
    });
    const t2 = new RedisTransport({ url: redis.url, prefix: `t${process.pid}`, blockMs: 200 });
    await t2.start(a2);
    let acked = false;
    for (let i = 0; i < 100 && !acked; i++) {
      const p = (await c.call("XPENDING", k.host("h1"), k.consumerGroup("h1"))) as [number];
      acked = Number(p[0]) === 0;
      if (!acked) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(acked, "pending entry was not processed and acked");
    const receipts = (await c.call("XLEN", k.receipts("h1"))) as number;
    assert.equal(Number(receipts), 2);
    c.disconnect();
    await t2.stop();
    await a2.close();
  } finally {
    await redis.stop();
    d.cleanup();
  }
});
