// A queue password or token given in a URL on the command line is visible to every local user (`ps`,
// /proc/PID/cmdline). The CLI refuses it and takes credentials from an environment variable or a file.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { publicKeyPem } from "../../src/keys/index.js";
import { ownerKey, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { natsUnavailable, startNats } from "../kit/nats.js";
import { redisAvailable, startTestRedis } from "../kit/redis.js";
import { cli, type SpawnedAgent, spawnAgent } from "../kit/spawn-agent.js";

test("a queue URL with a password or token on argv is refused by submit, fleet ls and agent", () => {
  const cases: [string[], RegExp][] = [
    [["submit", "x.sgb", "--redis", "redis://:hunter2@127.0.0.1:1", "--host", "h"], /--redis-env VAR/],
    [
      ["submit", "x.sgb", "--redis", "redis://default:hunter2@127.0.0.1:1", "--group", "g"],
      /--redis-env VAR/,
    ],
    [["submit", "x.sgb", "--nats", "nats://s3cr3t@127.0.0.1:1", "--group", "g"], /--nats-creds FILE/],
    [["submit", "x.sgb", "--nats", "nats://u:p@127.0.0.1:1", "--group", "g"], /--nats-creds FILE/],
    [["fleet", "ls", "--redis", "redis://:hunter2@127.0.0.1:1"], /--redis-env VAR/],
    [["fleet", "ls", "--nats", "nats://s3cr3t@127.0.0.1:1"], /--nats-creds FILE/],
    [["agent", "--trust", "t", "--state", "s", "--redis", "redis://:hunter2@127.0.0.1:1"], /--redis-env VAR/],
    [["agent", "--trust", "t", "--state", "s", "--nats", "nats://s3cr3t@127.0.0.1:1"], /--nats-creds FILE/],
  ];
  for (const [args, hint] of cases) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /USAGE: --(redis|nats): the URL holds/);
    assert.match(r.stderr, hint);
    assert.doesNotMatch(r.stderr, /hunter2|s3cr3t/, "the secret is not echoed");
  }
});

test("--redis-env: agent, fleet ls and submit reach a redis-server that requires a password", {
  skip: process.env.CI || redisAvailable() ? undefined : "redis-server not installed (CI installs it)",
}, async () => {
  const password = randomBytes(12).toString("hex");
  const redis = await startTestRedis({ args: ["--requirepass", password] });
  const d = tempDir();
  const owner = ownerKey();
  const env = `SIGRUN_T_REDIS_${process.pid}`;
  process.env[env] = redis.url.replace("redis://", `redis://:${password}@`);
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  let agent: SpawnedAgent | undefined;
  try {
    agent = await spawnAgent([
      "--trust",
      join(d.path, "trusted"),
      "--state",
      join(d.path, "s"),
      "--host-id",
      "pw-1",
      "--groups",
      "pw",
      "--redis-env",
      env,
    ]);
    assert.ok(!agent.ready.transports.join(" ").includes(password), "the password is not in the ready line");
    const ls = cli(["fleet", "ls", "--redis-env", env, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(
      (JSON.parse(ls.stdout.toString()) as { hosts: { host: string }[] }).hosts.map((h) => h.host),
      ["pw-1"],
    );
    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([owner], { targets: ["group:pw"] }));
    const r = cli([
      "submit",
      job,
      "--redis-env",
      env,
      "--group",
      "pw",
      "--wait",
      "--timeout",
      "20s",
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      (JSON.parse(r.stdout.toString()) as { receipts: { host: string }[] }).receipts[0]?.host,
      "pw-1",
    );
    // without the password the server refuses (the check above is not vacuous)
    const anon = cli(["fleet", "ls", "--redis", redis.url]);
    assert.notEqual(anon.status, 0);
    assert.match(anon.stderr, /TRANSPORT_ERROR: redis redis:\/\/127\.0\.0\.1/);
  } finally {
    await agent?.stop();
    delete process.env[env];
    await redis.stop();
    d.cleanup();
  }
});

test("--nats-creds: a token file authenticates agent, fleet ls and submit to a nats-server with --auth", {
  skip: process.env.CI ? undefined : natsUnavailable(),
}, async () => {
  const token = randomBytes(12).toString("hex");
  const nats = await startNats({ args: ["--auth", token] });
  const d = tempDir();
  const owner = ownerKey();
  const tokenFile = join(d.path, "nats.token");
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  let agent: SpawnedAgent | undefined;
  try {
    agent = await spawnAgent([
      "--trust",
      join(d.path, "trusted"),
      "--state",
      join(d.path, "s"),
      "--host-id",
      "tok-1",
      "--groups",
      "tok",
      "--nats",
      nats.url,
      "--nats-creds",
      tokenFile,
    ]);
    const ls = cli(["fleet", "ls", "--nats", nats.url, "--nats-creds", tokenFile, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(
      (JSON.parse(ls.stdout.toString()) as { hosts: { host: string }[] }).hosts.map((h) => h.host),
      ["tok-1"],
    );
    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([owner], { targets: ["group:tok"] }));
    const r = cli(["submit", job, "--nats", nats.url, "--nats-creds", tokenFile, "--group", "tok", "--wait"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.toString(), /on tok-1: succeeded/);
    const anon = cli(["fleet", "ls", "--nats", nats.url]);
    assert.notEqual(anon.status, 0); // the server wants the token
    assert.match(anon.stderr, /TRANSPORT_ERROR: .*Authorization Violation/);
  } finally {
    await agent?.stop();
    await nats.stop();
    d.cleanup();
  }
});

test("--nats-creds: a user/password file (two lines) authenticates agent, fleet ls and submit to a nats-server with --user/--pass", {
  skip: process.env.CI ? undefined : natsUnavailable(),
}, async () => {
  const user = `u${randomBytes(4).toString("hex")}`;
  const pass = randomBytes(12).toString("hex");
  const nats = await startNats({ args: ["--user", user, "--pass", pass] });
  const d = tempDir();
  const owner = ownerKey();
  const creds = join(d.path, "nats.userpass");
  writeFileSync(creds, `${user}\n${pass}\n`, { mode: 0o600 });
  const wrong = join(d.path, "nats.wrong");
  writeFileSync(wrong, `${user}\nnot-${pass}\n`, { mode: 0o600 });
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  let agent: SpawnedAgent | undefined;
  try {
    agent = await spawnAgent([
      "--trust",
      join(d.path, "trusted"),
      "--state",
      join(d.path, "s"),
      "--host-id",
      "up-1",
      "--groups",
      "up",
      "--nats",
      nats.url,
      "--nats-creds",
      creds,
    ]);
    const ls = cli(["fleet", "ls", "--nats", nats.url, "--nats-creds", creds, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(
      (JSON.parse(ls.stdout.toString()) as { hosts: { host: string }[] }).hosts.map((h) => h.host),
      ["up-1"],
    );
    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([owner], { targets: ["group:up"] }));
    const r = cli(["submit", job, "--nats", nats.url, "--nats-creds", creds, "--group", "up", "--wait"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.toString(), /on up-1: succeeded/);
    // a wrong password or none is refused by the server (the checks above are not vacuous)
    for (const args of [["--nats-creds", wrong], []]) {
      const anon = cli(["fleet", "ls", "--nats", nats.url, ...args]);
      assert.notEqual(anon.status, 0);
      assert.match(anon.stderr, /TRANSPORT_ERROR: .*Authorization Violation/);
      assert.doesNotMatch(anon.stderr, new RegExp(pass));
    }
    // three lines is neither form: refused before connecting
    writeFileSync(wrong, `${user}\n${pass}\nextra\n`);
    const three = cli(["fleet", "ls", "--nats", nats.url, "--nats-creds", wrong]);
    assert.match(three.stderr, /INPUT_INVALID: NATS credentials .*two lines \(user, password\)/);
  } finally {
    await agent?.stop();
    await nats.stop();
    d.cleanup();
  }
});
