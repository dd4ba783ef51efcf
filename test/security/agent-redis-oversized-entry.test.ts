// Attack: whoever may write to the agent's Redis stream adds an entry far over the agent's bundle cap
// (Redis allows 512 MiB per value, and up to 8 entries are read at once). The transport read each entry in
// full (XREADGROUP, XAUTOCLAIM) and only then compared its size with the cap: three 200 MiB entries took
// the agent from 180 to 860 MB. The size must be checked on the server, before the value is sent: the
// oversized entry is answered TOO_LARGE without its bytes ever reaching the agent, and work goes on.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { readReceiptUnverified } from "../../src/agent/receipt.js";
import { RedisTransport, redisKeys } from "../../src/agent/transports/redis.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";
import { redisAvailable, startTestRedis } from "../kit/redis.js";

const skip = !redisAvailable() && !process.env.CI ? "redis-server not installed" : false;
const MiB = 1024 * 1024;

/** Bytes the server has sent to all its clients so far (INFO stats). */
async function netOutput(r: import("ioredis").Redis): Promise<number> {
  const info = String(await r.call("INFO", "stats"));
  const m = /total_net_output_bytes:(\d+)/.exec(info);
  assert.ok(m, "INFO stats has total_net_output_bytes");
  return Number(m[1]);
}

/** The error code a receipt (as stored in the receipts stream) carries. */
function errorCode(receipt: string | undefined): string | undefined {
  assert.ok(receipt, "a receipt");
  return readReceiptUnverified(Buffer.from(receipt)).predicate.error?.code;
}

test("agent-redis-oversized-entry: an entry over the cap is answered TOO_LARGE and never sent to the agent", {
  skip,
  timeout: 60_000,
}, async () => {
  // a private server (extra arguments): no other client's traffic in its counters
  const redis = await startTestRedis({ args: ["--proto-max-bulk-len", "536870912"] });
  const d = tempDir();
  const owner = ownerKey();
  const { Redis } = await import("ioredis");
  const producer = new Redis(redis.url, { protocol: 2 });
  const agent = await Agent.start({
    stateDir: join(d.path, "a"),
    hostId: "big-1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    workers: 1,
    maxBundleBytes: MiB,
  });
  const t = new RedisTransport({ url: redis.url, prefix: redis.prefix, blockMs: 50 });
  try {
    const k = redisKeys(redis.prefix);
    const huge = Buffer.alloc(48 * MiB, 0x61);
    const hugeId = String(await producer.call("XADD", k.host("big-1"), "*", "bundle", huge));
    const bigSig = String(
      await producer.call("XADD", k.host("big-1"), "*", "bundle", Buffer.from("x"), "sig", Buffer.alloc(MiB)),
    );
    const small = await stubBundle([owner]);
    const smallId = String(await producer.call("XADD", k.host("big-1"), "*", "bundle", Buffer.from(small)));
    const before = await netOutput(producer);
    await t.start(agent);
    // the three receipts, in order
    const deadline = Date.now() + 30_000;
    let rows: [string, string[]][] = [];
    while (Date.now() < deadline) {
      rows = (await producer.call("XRANGE", k.receipts("big-1"), "-", "+")) as [string, string[]][];
      if (rows.length >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const byEntry = new Map(
      rows.map(([, f]) => {
        const m = new Map<string, string>();
        for (let i = 0; i + 1 < f.length; i += 2) m.set(f[i]!, f[i + 1]!);
        return [m.get("entry"), m] as const;
      }),
    );
    assert.equal(byEntry.size, 3, `receipts for all three entries (got ${byEntry.size})`);
    assert.equal(byEntry.get(hugeId)?.get("status"), "rejected");
    assert.equal(errorCode(byEntry.get(hugeId)?.get("receipt")), "TOO_LARGE");
    assert.equal(byEntry.get(bigSig)?.get("status"), "rejected");
    assert.equal(errorCode(byEntry.get(bigSig)?.get("receipt")), "TOO_LARGE");
    assert.equal(byEntry.get(smallId)?.get("status"), "succeeded", "the next entry still runs");
    // what the server sent, all clients together (this test's XRANGE polls included): far below 48 MiB
    const sent = (await netOutput(producer)) - before;
    assert.ok(sent < 4 * MiB, `the server sent ${sent} bytes: the oversized entry reached the agent`);
    // every entry acknowledged
    const pending = (await producer.call("XPENDING", k.host("big-1"), k.consumerGroup("big-1"))) as [number];
    assert.equal(Number(pending[0]), 0);
  } finally {
    await t.stop();
    await agent.close();
    producer.disconnect();
    await redis.stop();
    d.cleanup();
  }
});
