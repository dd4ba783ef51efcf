import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../../test/kit/agent-fixtures.js";
import { natsUnavailable, startNats } from "../../../test/kit/nats.js";
import { freePort, redisAvailable, startTestRedis } from "../../../test/kit/redis.js";
import { cli, type SpawnedAgent, spawnAgent } from "../../../test/kit/spawn-agent.js";
import { makeTestPki, type TestPki } from "../../../test/kit/test-pki.js";
import { publicKeyPem } from "../../keys/index.js";

const noOpenssl = spawnSync("openssl", ["version"]).status === 0 ? undefined : "openssl not installed";

/** An agent whose queue section (from a config file) is `queue`; returns it once ready. */
async function agentWith(dir: string, hostId: string, queue: Record<string, unknown>): Promise<SpawnedAgent> {
  const owner = ownerKey();
  mkdirSync(join(dir, "trusted"), { recursive: true });
  writeFileSync(join(dir, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const cfg = join(dir, `${hostId}.json`);
  writeFileSync(cfg, JSON.stringify({ hostId, groups: [hostId], ...queue }));
  return spawnAgent(["--config", cfg, "--trust", join(dir, "trusted"), "--state", join(dir, hostId)]);
}

function clientTls(p: TestPki): string[] {
  return ["--tls-ca", p.ca, "--tls-cert", p.clientCert, "--tls-key", p.clientKey];
}

test("NATS over TLS with a client certificate: agent (config tlsCa/tlsCert/tlsKey), fleet ls, submit", {
  skip: process.env.CI ? undefined : (noOpenssl ?? natsUnavailable()),
}, async () => {
  const d = tempDir();
  const p = makeTestPki(d.path);
  const nats = await startNats({
    args: ["--tls", "--tlscert", p.serverCert, "--tlskey", p.serverKey, "--tlscacert", p.ca, "--tlsverify"],
  });
  let agent: SpawnedAgent | undefined;
  try {
    agent = await agentWith(d.path, "tls-n1", {
      nats: { url: nats.url, tlsCa: p.ca, tlsCert: p.clientCert, tlsKey: p.clientKey },
    });
    const ls = cli(["fleet", "ls", "--nats", nats.url, ...clientTls(p), "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(
      (JSON.parse(ls.stdout.toString()) as { hosts: { host: string }[] }).hosts.map((h) => h.host),
      ["tls-n1"],
    );
    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([ownerKey()], { targets: ["group:tls-n1"] }));
    // the bundle's signer is not trusted by this agent: what matters here is that a receipt comes back
    const r = cli([
      "submit",
      job,
      "--nats",
      nats.url,
      ...clientTls(p),
      "--group",
      "tls-n1",
      "--wait",
      "--json",
    ]);
    assert.equal(
      (JSON.parse(r.stdout.toString()) as { receipts: { host: string }[] }).receipts[0]?.host,
      "tls-n1",
    );
    // without a client certificate the server refuses
    const anon = cli(["fleet", "ls", "--nats", nats.url, "--tls-ca", p.ca]);
    assert.notEqual(anon.status, 0);
    assert.match(anon.stderr, /TRANSPORT_ERROR/);
  } finally {
    await agent?.stop();
    await nats.stop();
    d.cleanup();
  }
});

test("Redis over TLS (rediss://) with a client certificate: agent, fleet ls, submit", {
  skip: process.env.CI || redisAvailable() ? noOpenssl : "redis-server not installed (CI installs it)",
}, async () => {
  const d = tempDir();
  const p = makeTestPki(d.path);
  const tlsPort = await freePort();
  const redis = await startTestRedis({
    args: [
      "--tls-port",
      String(tlsPort),
      "--tls-cert-file",
      p.serverCert,
      "--tls-key-file",
      p.serverKey,
      "--tls-ca-cert-file",
      p.ca,
      "--tls-auth-clients",
      "yes",
    ],
  });
  const url = `rediss://127.0.0.1:${tlsPort}`;
  let agent: SpawnedAgent | undefined;
  try {
    agent = await agentWith(d.path, "tls-r1", {
      redis: { url, tlsCa: p.ca, tlsCert: p.clientCert, tlsKey: p.clientKey },
    });
    const ls = cli(["fleet", "ls", "--redis", url, ...clientTls(p), "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(
      (JSON.parse(ls.stdout.toString()) as { hosts: { host: string }[] }).hosts.map((h) => h.host),
      ["tls-r1"],
    );
    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([ownerKey()], { targets: ["group:tls-r1"] }));
    const r = cli(["submit", job, "--redis", url, ...clientTls(p), "--group", "tls-r1", "--wait", "--json"]);
    assert.equal(
      (JSON.parse(r.stdout.toString()) as { receipts: { host: string }[] }).receipts[0]?.host,
      "tls-r1",
    );
    const anon = cli(["fleet", "ls", "--redis", url, "--tls-ca", p.ca]);
    assert.notEqual(anon.status, 0);
    assert.match(anon.stderr, /TRANSPORT_ERROR/);
  } finally {
    await agent?.stop();
    await redis.stop();
    d.cleanup();
  }
});
