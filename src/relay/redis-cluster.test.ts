import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { redisAvailable, startTestRedis, type TestRedis } from "../../test/kit/redis.js";
import { RawRelaySocket } from "../../test/kit/relay.js";
import { connectRelay } from "../signing/relay-client.js";

const MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const skip = redisAvailable() ? false : "redis-server not installed and SIGRUN_TEST_REDIS_URL not set";

/** Starts `sigrun relay serve` as a child process and reads its first stdout line for the URL. */
async function spawnNode(redis: TestRedis): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      "relay",
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--redis",
      redis.url,
      "--redis-prefix",
      redis.prefix,
      "--quiet",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("relay did not start")), 20_000);
    rl.once("line", (l) => {
      clearTimeout(t);
      resolve(l);
    });
    child.once("exit", (code) => reject(new Error(`relay exited ${code}`)));
  });
  const m = /^listening on (ws:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  assert.ok(m, `unexpected first line ${line}`);
  return { url: m[1] as string, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

let redis: TestRedis | undefined;
const urls = (): [string, string] => {
  assert.ok(n1 && n2, "relay nodes did not start");
  return [n1.url, n2.url];
};
let n1: { url: string; child: ChildProcess } | undefined;
let n2: { url: string; child: ChildProcess } | undefined;

before(async () => {
  if (skip) return;
  redis = await startTestRedis();
  n1 = await spawnNode(redis);
  n2 = await spawnNode(redis);
});
after(async () => {
  if (skip) return;
  try {
    await Promise.all([n1 && stop(n1.child), n2 && stop(n2.child)]);
  } finally {
    await redis?.stop();
  }
});

test("two relay processes over one redis: peers on different nodes talk, resume across nodes", {
  skip,
}, async () => {
  const [n1u, n2u] = urls();
  const a = await connectRelay(n1u, { timeoutMs: 3000 });
  const created = await a.create({ context: new Uint8Array([1]) });
  const b = await connectRelay(n2u, { timeoutMs: 3000, autoResume: false });
  const joined = await b.join(created.session, new Uint8Array([2]));
  assert.deepEqual(joined.peerContext, new Uint8Array([1]));
  assert.deepEqual(await a.waitForPeer({ timeoutMs: 3000 }), new Uint8Array([2]));

  for (let i = 0; i < 200; i++) a.send(new Uint8Array([i & 255, i >> 8]));
  for (let i = 0; i < 200; i++) {
    assert.deepEqual(await b.next({ timeoutMs: 3000 }), {
      type: "data",
      data: new Uint8Array([i & 255, i >> 8]),
    });
  }
  b.send(new Uint8Array([9, 9]));
  assert.deepEqual(await a.next({ timeoutMs: 3000 }), { type: "data", data: new Uint8Array([9, 9]) });

  // a third peer, on either node, is refused
  const c = await connectRelay(n1u, { timeoutMs: 3000 });
  await assert.rejects(c.join(created.session), { code: "SESSION_FULL" });
  await c.close();

  // b's role moves to node 1 with its resume token; the old socket on node 2 is evicted
  const raw = await RawRelaySocket.open(n1u);
  raw.sendJson({ type: "hello", version: 1 });
  assert.equal((await raw.nextJson()).type, "welcome");
  raw.sendJson({ type: "resume", session: created.session, role: "b", resumeToken: joined.resumeToken });
  const resumed = await raw.nextJson();
  assert.equal(resumed.type, "resumed");
  assert.equal(resumed.peer, "present");
  const evicted = await b.next({ timeoutMs: 3000 });
  assert.equal(evicted.type === "error" && evicted.error.code, "RELAY_REJECTED");
  a.send(new Uint8Array([7]));
  assert.deepEqual(await raw.next(), { binary: new Uint8Array([7]) });

  await a.close("finished");
  const closed = await raw.nextJson();
  assert.deepEqual(closed, { type: "closed", reason: "finished", by: "peer" });
  raw.close();

  // records, buffers and channels are gone
  const { Redis } = await import("ioredis");
  const r = new Redis((redis as TestRedis).url);
  try {
    assert.deepEqual(await r.keys(`${(redis as TestRedis).prefix}*`), []);
  } finally {
    r.disconnect();
  }
});

test("redis: a buffered peer that never comes back closes the session for the other", { skip }, async () => {
  const [n1u, n2u] = urls();
  const a = await connectRelay(n1u, { timeoutMs: 3000 });
  const created = await a.create();
  const b = await RawRelaySocket.open(n2u);
  b.sendJson({ type: "hello", version: 1 });
  await b.nextJson();
  b.sendJson({ type: "join", session: created.session });
  assert.equal((await b.nextJson()).type, "joined");
  await a.waitForPeer({ timeoutMs: 3000 });
  b.close();
  const left = await a.next({ timeoutMs: 3000 });
  assert.equal(left.type, "peer_left");
  a.send(new Uint8Array([1])); // buffered in redis for b
  await a.close();
});

test("redis: deadlines are checked inside the atomic scripts; grace expiry closes the session", {
  skip,
}, async () => {
  const { startRelay } = await import("./index.js");
  const { createV1, openV1 } = await import("../../test/kit/relay.js");
  const r = redis as TestRedis;
  let now = Date.now();
  const relay = await startRelay({
    listen: "127.0.0.1:0",
    backend: { redis: r.url, prefix: `${r.prefix}exp:` },
    now: () => now,
    limits: { joinTtlMs: 60_000, graceMs: 150 },
  });
  try {
    const a = await createV1(relay.url);
    now += 61_000;
    const late = await openV1(relay.url);
    late.sendJson({ type: "join", session: a.session });
    assert.equal((await late.nextJson()).code, "SESSION_EXPIRED");
    assert.equal((await a.s.nextJson()).type, "closed");
    late.close();
    now = Date.now();
    const c = await createV1(relay.url);
    const d = await openV1(relay.url);
    d.sendJson({ type: "join", session: c.session });
    assert.equal((await d.nextJson()).type, "joined");
    assert.equal((await c.s.nextJson()).type, "peer_joined");
    d.close();
    assert.equal((await c.s.nextJson()).type, "peer_left");
    now += 1000; // the sweep timer (real time, ~150 ms) finds the grace period over
    assert.deepEqual(await c.s.nextJson(3000), {
      type: "closed",
      reason: "peer did not come back",
      by: "relay",
    });
  } finally {
    await relay.close();
  }
});
