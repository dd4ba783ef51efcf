import assert from "node:assert/strict";
import { test } from "node:test";
import { isSigrunError } from "../core/index.js";
import { parseAgentConfig } from "./config.js";

test("agent config: queue credentials and TLS come from files/env keys; bad combinations are refused", () => {
  const c = parseAgentConfig(
    JSON.stringify({
      nats: {
        url: "tls://nats:4222",
        credsFile: "/etc/sigrun/nats.creds",
        tlsCa: "/etc/sigrun/ca.pem",
        tlsCert: "/etc/sigrun/c.pem",
        tlsKey: "/etc/sigrun/c.key",
        heartbeatMs: 10000,
      },
      redis: { urlEnv: "SIGRUN_REDIS_URL", tlsCa: "/etc/sigrun/ca.pem", heartbeatMs: 60000 },
    }),
  );
  assert.equal(c.nats?.credsFile, "/etc/sigrun/nats.creds");
  assert.equal(c.redis?.urlEnv, "SIGRUN_REDIS_URL");
  assert.equal(c.redis?.url, undefined);
  for (const bad of [
    { redis: { url: "redis://r:6379", urlEnv: "X" } },
    { redis: { prefix: "p" } },
    { nats: { url: "nats://n:4222", heartbeatMs: 10 } },
    { nats: { url: "nats://n:4222", heartbeatMs: "30000" } },
    { nats: { url: "nats://n:4222", tlsCert: "/c.pem" } },
    { nats: { url: "nats://n:4222", password: "x" } },
    { redis: { urlEnv: 5 } },
  ])
    assert.throws(
      () => parseAgentConfig(JSON.stringify(bad)),
      (err) => isSigrunError(err, "INPUT_INVALID"),
      JSON.stringify(bad),
    );
});

test("agent config: queue prefixes and the JetStream stream name are checked as --prefix/--nats-stream are", () => {
  const c = parseAgentConfig(
    JSON.stringify({
      nats: { url: "nats://n:4222", subjectPrefix: "acme.sigrun", stream: "ACME_JOBS" },
      redis: { url: "redis://r:6379", prefix: "acme:sigrun" },
    }),
  );
  assert.equal(c.nats?.subjectPrefix, "acme.sigrun");
  assert.equal(c.redis?.prefix, "acme:sigrun");
  for (const bad of [
    { nats: { url: "nats://n:4222", subjectPrefix: "acme.>" } },
    { nats: { url: "nats://n:4222", subjectPrefix: "acme." } },
    { nats: { url: "nats://n:4222", stream: "A.B" } },
    { redis: { url: "redis://r:6379", prefix: "acme:*" } },
  ])
    assert.throws(
      () => parseAgentConfig(JSON.stringify(bad)),
      (err) =>
        isSigrunError(err, "INPUT_INVALID") && /agent config (nats|redis)\.\w+: expected/.test(err.message),
      JSON.stringify(bad),
    );
});
