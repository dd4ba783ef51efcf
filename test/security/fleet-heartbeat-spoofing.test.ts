// Someone who may only publish on the queue writes fleet heartbeats: a forged entry for a real host, a
// real host's heartbeat stored under another host's name, an old heartbeat published again. The listing
// must never show them as verified and live, and a group fan-out must not wait for them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expectedMembers, listFleet, type QueueTarget } from "../../src/agent/client/fleet.js";
import { HEARTBEAT_TYPE, type Heartbeat, signHeartbeat } from "../../src/agent/heartbeat.js";
import { redisKeys } from "../../src/agent/transports/redis.js";
import { fileSigner, generateKey, type PublicKeyInfo, type Signer } from "../../src/keys/index.js";
import { redisAvailable, startTestRedis } from "../kit/redis.js";

function heartbeat(id: string, signer: Signer, lastSeen: Date, groups = ["web"]): Heartbeat {
  return {
    type: HEARTBEAT_TYPE,
    host: { id, keyId: signer.publicKey.keyId, groups },
    agent: { version: "0.1.0" },
    transport: "redis",
    state: "running",
    startedAt: new Date(lastSeen.getTime() - 60_000).toISOString(),
    lastSeen: lastSeen.toISOString(),
    intervalMs: 30_000,
  };
}

test("fleet heartbeat spoofing: forged, misplaced and replayed heartbeats are never verified-and-live", {
  skip: process.env.CI || redisAvailable() ? undefined : "redis-server not installed (CI installs it)",
}, async () => {
  const redis = await startTestRedis();
  const prefix = `${redis.prefix}fleet`;
  const k = redisKeys(prefix);
  const { Redis } = await import("ioredis");
  const r = new Redis(redis.url, { protocol: 2 });
  const web1 = fileSigner(generateKey("ed25519").privateKey);
  const web2 = fileSigner(generateKey("ed25519").privateKey);
  const attacker = fileSigner(generateKey("ed25519").privateKey);
  const keys = new Map<string, PublicKeyInfo>([
    ["web-1", web1.publicKey],
    ["web-2", web2.publicKey],
  ]);
  const target: QueueTarget = { kind: "redis", url: redis.url, prefix };
  const put = async (key: string, hb: Heartbeat, s: Signer) =>
    r.call("SET", key, Buffer.from(await signHeartbeat(hb, s)), "EX", "600");
  try {
    const now = new Date();
    // web-1: genuine. web-2: forged by the attacker (its own key, claiming web-2).
    await put(k.fleetHost("web-1"), heartbeat("web-1", web1, now), web1);
    await put(k.fleetHost("web-2"), heartbeat("web-2", attacker, now), attacker);
    // web-1's genuine heartbeat copied under web-3's name
    await put(k.fleetHost("web-3"), heartbeat("web-1", web1, now), web1);
    let l = await listFleet(target, { group: "web", hostKeys: (id) => keys.get(id) });
    assert.deepEqual(
      l.hosts.map((e) => [e.heartbeat.host.id, e.trust]),
      [
        ["web-1", "verified"],
        ["web-2", "bad-signature"],
      ],
    );
    assert.equal(l.invalid.length, 1);
    assert.match(l.invalid[0]!.error, /heartbeat of web-1 stored under/);
    assert.deepEqual(expectedMembers(l, true), ["web-1"], "with host keys only the verified member");
    assert.deepEqual(expectedMembers(l, false), ["web-1"], "a bad signature is never expected");

    // a genuine heartbeat of web-1 from an hour ago, published again: verified, but not live
    await put(k.fleetHost("web-1"), heartbeat("web-1", web1, new Date(now.getTime() - 3_600_000)), web1);
    l = await listFleet(target, { group: "web", hostKeys: (id) => keys.get(id) });
    const w1 = l.hosts.find((e) => e.heartbeat.host.id === "web-1")!;
    assert.equal(w1.trust, "verified");
    assert.equal(w1.live, false);
    assert.ok(w1.ageMs >= 3_590_000);
    assert.deepEqual(expectedMembers(l, true), []);

    // garbage under the fleet key space is skipped, not fatal
    await r.call("SET", k.fleetHost("web-4"), "not a heartbeat", "EX", "600");
    l = await listFleet(target, { hostKeys: (id) => keys.get(id) });
    assert.equal(l.invalid.length, 2);
  } finally {
    r.disconnect();
    await redis.stop();
  }
});
