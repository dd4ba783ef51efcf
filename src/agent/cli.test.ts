import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { sign } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../test/kit/agent-fixtures.js";
import { cli, spawnAgent } from "../../test/kit/spawn-agent.js";
import { generateKey, publicKeyPem } from "../keys/index.js";
import { parseAgentConfig } from "./config.js";
import { readReceiptUnverified } from "./receipt.js";

test("cli: agent init writes a config the agent accepts and the example systemd unit", () => {
  const d = tempDir();
  const r = cli([
    "agent",
    "init",
    "--dir",
    d.path,
    "--host-id",
    "web-1",
    "--config",
    "/etc/sigrun/agent.json",
    "--json",
  ]);
  assert.equal(r.status, 0, r.stderr);
  const cfg = parseAgentConfig(readFileSync(join(d.path, "agent.json"), "utf8"));
  assert.equal(cfg.hostId, "web-1");
  // TLS off: plain HTTP on 8080, not a TLS-looking port
  assert.equal(cfg.http?.listen, "127.0.0.1:8080");
  assert.equal(cfg.http?.tlsCert, undefined);
  assert.equal(
    readFileSync(join(d.path, "sigrun-agent.service"), "utf8"),
    readFileSync("examples/systemd/sigrun-agent.service", "utf8"),
  );
  assert.equal(cli(["agent", "init", "--dir", d.path]).status, 28, "refuses to overwrite");
  d.cleanup();
});

test("cli: agent init names the paths actually given (config, state, trust, inbox, TLS, tokens) and picks 8443 only with TLS", () => {
  const d = tempDir();
  const dir = join(d.path, "out");
  const r = cli([
    "agent",
    "init",
    "--dir",
    dir,
    "--host-id",
    "web-2",
    "--groups",
    "web,db",
    "--state",
    "/srv/sigrun/state",
    "--trust",
    "/opt/sigrun/trust",
    "--inbox",
    "/srv/sigrun/inbox",
    "--tls-cert",
    "/etc/pki/agent.crt",
    "--tls-key",
    "/etc/pki/agent.key",
    "--client-ca",
    "/etc/pki/clients.pem",
    "--client-role",
    "read=cn:dashboard",
    "--read-token-file",
    "/etc/sigrun/read.token",
    "--json",
  ]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.toString()) as { config: string; unit: string; configPath: string };
  assert.equal(out.configPath, join(dir, "agent.json"), "without --config the unit names the file written");
  const text = readFileSync(join(dir, "agent.json"), "utf8");
  assert.match(text, new RegExp(`^// Start with: sigrun agent --config ${out.configPath}$`, "m"));
  const cfg = parseAgentConfig(text);
  assert.deepEqual(cfg.groups, ["web", "db"]);
  assert.equal(cfg.state, "/srv/sigrun/state");
  assert.deepEqual(cfg.trust, ["/opt/sigrun/trust"]);
  assert.equal(cfg.inbox?.dir, "/srv/sigrun/inbox");
  assert.deepEqual(cfg.http, {
    listen: "127.0.0.1:8443",
    tlsCert: "/etc/pki/agent.crt",
    tlsKey: "/etc/pki/agent.key",
    clientCa: "/etc/pki/clients.pem",
    clientRoles: [{ role: "read", cn: "dashboard" }],
    readTokenFile: "/etc/sigrun/read.token",
  });
  const unit = readFileSync(join(dir, "sigrun-agent.service"), "utf8");
  assert.match(unit, new RegExp(`^ExecStart=/usr/bin/sigrun agent --config ${out.configPath}$`, "m"));
  assert.doesNotMatch(
    unit,
    /^ConfigurationDirectory=/m,
    "a config outside /etc gets no ConfigurationDirectory",
  );
  assert.match(unit, /^ReadWritePaths=\/srv\/sigrun\/inbox \/srv\/sigrun\/state$/m);
  assert.match(unit, /verify against \/opt\/sigrun\/trust;/);

  // relative paths become absolute (systemd and the agent's cwd need them); --http alone stays plain 8080
  const rel = cli(
    ["agent", "init", "--dir", join(d.path, "rel"), "--state", "st", "--http", ":9000", "--json"],
    undefined,
  );
  assert.equal(rel.status, 0, rel.stderr);
  const relCfg = parseAgentConfig(readFileSync(join(d.path, "rel", "agent.json"), "utf8"));
  assert.match(relCfg.state ?? "", /^\/.*\/st$/);
  assert.deepEqual(relCfg.http, { listen: ":9000" });
  assert.equal(cli(["agent", "init", "--dir", join(d.path, "x"), "--tls-cert", "/c.pem"]).status, 2);
  assert.equal(cli(["agent", "init", "--dir", join(d.path, "y"), "--client-role", "read=cn:x"]).status, 2);
  d.cleanup();
});

/**
 * GET that retries once when the pooled keep-alive socket was closed by the agent while this process was
 * blocked in a synchronous `cli()` call (longer than the server's keep-alive timeout under load): the FIN is
 * only seen when the next request already went out on that socket ("other side closed").
 */
async function get(url: string): Promise<Response> {
  try {
    return await fetch(url);
  } catch {
    return fetch(url);
  }
}

test("cli: agent --config over HTTP: /host, async submit + GET /jobs/:id, classic openssl form via multipart", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const ec = generateKey("p256");
  const trusted = join(d.path, "trusted");
  mkdirSync(trusted);
  writeFileSync(join(trusted, "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  writeFileSync(join(trusted, "classic.pem"), publicKeyPem(ec.publicKey));
  const config = join(d.path, "agent.json");
  writeFileSync(
    config,
    `// test config\n${JSON.stringify({ hostId: "h1", groups: ["web"], trust: [trusted], state: join(d.path, "state"), http: { listen: "127.0.0.1:0" } })}\n`,
  );
  const a = await spawnAgent(["--config", config]);
  try {
    const host = (await (await get(`${a.url}/host`)).json()) as {
      hostId: string;
      receiptKey: { keyId: string; publicKeyPem: string };
    };
    assert.equal(host.hostId, "h1");
    assert.equal(host.receiptKey.keyId, a.ready.keyId);
    writeFileSync(join(d.path, "host.pub"), host.receiptKey.publicKeyPem);

    const job = join(d.path, "job.sgb");
    writeFileSync(job, await stubBundle([owner], { targets: ["group:web"] }));
    const sub = cli(["submit", job, "--to", a.url!]);
    assert.equal(sub.status, 0, sub.stderr);
    const jobId = sub.stdout.toString().trim();
    assert.match(jobId, /^[0-9a-f]{32}$/);
    let receipt: Uint8Array | undefined;
    for (let i = 0; i < 100 && !receipt; i++) {
      const res = await get(`${a.url}/jobs/${jobId}`);
      if (res.status === 200) receipt = new Uint8Array(await res.arrayBuffer());
      else await new Promise((r) => setTimeout(r, 50));
    }
    writeFileSync(join(d.path, "r.json"), receipt!);
    const v = cli([
      "receipt",
      "verify",
      join(d.path, "r.json"),
      "--host-pub",
      join(d.path, "host.pub"),
      "--require-success",
      "--json",
    ]);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout.toString()).predicate.job.id, jobId);
    assert.equal((await get(`${a.url}/jobs/${"0".repeat(32)}`)).status, 404);

    // the seed's literal flow: tar czf + openssl-style detached signature, multipart bundle + sig
    const src = join(d.path, "classic");
    mkdirSync(src);
    writeFileSync(join(src, "script.rhai"), JSON.stringify({ op: "echo", value: "classic" }));
    writeFileSync(join(src, "policy.cedar"), "permit(principal, action, resource);\n");
    execFileSync("tar", ["czf", join(d.path, "bundle.tar.gz"), "-C", src, "script.rhai", "policy.cedar"]);
    writeFileSync(
      join(d.path, "bundle.sig"),
      sign("sha256", readFileSync(join(d.path, "bundle.tar.gz")), ec.privateKey),
    );
    const c = cli([
      "submit",
      join(d.path, "bundle.tar.gz"),
      "--sig",
      join(d.path, "bundle.sig"),
      "--to",
      a.url!,
      "--wait",
      "--host-pub",
      join(d.path, "host.pub"),
      "--receipt",
      join(d.path, "classic.receipt.json"),
    ]);
    assert.equal(c.status, 0, c.stderr);
    const st = readReceiptUnverified(readFileSync(join(d.path, "classic.receipt.json")));
    assert.equal(st.predicate.bundle?.form, "openssl");
    assert.equal(st.predicate.result?.value, "classic");
    // a wrong signature: rejected with a receipt, exit code of SIGNATURE_INVALID
    writeFileSync(join(d.path, "bad.sig"), sign("sha256", Buffer.from("other"), ec.privateKey));
    const bad = cli([
      "submit",
      join(d.path, "bundle.tar.gz"),
      "--sig",
      join(d.path, "bad.sig"),
      "--to",
      a.url!,
      "--wait",
      "--json",
    ]);
    assert.equal(bad.status, 12, bad.stderr);
    assert.equal(JSON.parse(bad.stdout.toString()).receipts[0].error, "SIGNATURE_INVALID");
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
  }
  d.cleanup();
});

test("cli: agent init for a NATS fleet writes the transports given and only those; --log-format json reaches ExecStart", () => {
  const d = tempDir();
  const dir = join(d.path, "out");
  const r = cli([
    "agent",
    "init",
    "--dir",
    dir,
    "--config",
    "/etc/sigrun/agent.json",
    "--groups",
    "web",
    "--http",
    "0.0.0.0:8080",
    "--read-token-file",
    "/etc/sigrun/read.token",
    "--submit-token-file",
    "/etc/sigrun/submit.token",
    "--nats",
    "nats://nats.internal:4222",
    "--nats-creds",
    "/etc/sigrun/nats.creds",
    "--prefix",
    "acme.sigrun",
    "--nats-stream",
    "ACME_JOBS",
    "--log-format",
    "json",
  ]);
  assert.equal(r.status, 0, r.stderr);
  const cfg = parseAgentConfig(readFileSync(join(dir, "agent.json"), "utf8"));
  assert.equal(cfg.inbox, undefined, "no inbox was asked for");
  assert.deepEqual(cfg.http, {
    listen: "0.0.0.0:8080",
    readTokenFile: "/etc/sigrun/read.token",
    submitTokenFile: "/etc/sigrun/submit.token",
  });
  assert.deepEqual(cfg.nats, {
    url: "nats://nats.internal:4222",
    credsFile: "/etc/sigrun/nats.creds",
    subjectPrefix: "acme.sigrun",
    stream: "ACME_JOBS",
  });
  const unit = readFileSync(join(dir, "sigrun-agent.service"), "utf8");
  assert.match(
    unit,
    /^ExecStart=\/usr\/bin\/sigrun agent --config \/etc\/sigrun\/agent\.json --log-format json$/m,
  );
  // no inbox and the state under /var/lib: nothing else to make writable (a missing ReadWritePaths= path
  // would stop the unit from starting)
  assert.doesNotMatch(unit, /^ReadWritePaths=/m);
  assert.doesNotMatch(unit, /inbox as the sigrun group/);
  // an inbox-only config has no HTTP listener
  const ib = cli([
    "agent",
    "init",
    "--dir",
    join(d.path, "ib"),
    "--inbox",
    "/srv/in",
    "--redis-env",
    "R_URL",
  ]);
  assert.equal(ib.status, 0, ib.stderr);
  const ibCfg = parseAgentConfig(readFileSync(join(d.path, "ib", "agent.json"), "utf8"));
  assert.equal(ibCfg.http, undefined);
  assert.deepEqual(ibCfg.redis, { urlEnv: "R_URL" });
  assert.match(
    readFileSync(join(d.path, "ib", "sigrun-agent.service"), "utf8"),
    /^ReadWritePaths=\/srv\/in$/m,
  );
  // a secret in a URL is refused here too
  const bad = cli(["agent", "init", "--dir", join(d.path, "bad"), "--nats", "nats://tok@nats:4222"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--nats-creds FILE/);
  d.cleanup();
});
