import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type RunningRelay, startRelay } from "../../src/relay/server.js";
import { parseJoinText } from "../../src/session/index.js";

/** CLI plumbing of the initiator: join block, job summary, join file, secrets never on argv. */
const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
let dir: string;
let relay: RunningRelay;
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 20_000,
  });

/** Async: the relay runs in this process, so a blocking spawnSync would starve it. */
function runAsync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    p.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => p.kill("SIGKILL"), 20_000);
    p.on("close", (status) => {
      clearTimeout(t);
      resolve({ status, stderr });
    });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-cli-join-"));
  relay = await startRelay({ listen: "127.0.0.1:0" });
  for (const [n, t] of [
    ["s", "ed25519"],
    ["x", "x25519"],
  ])
    assert.equal(run(["keygen", "--type", t!, "-o", n!]).status, 0);
});
after(async () => {
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
});

test("secret new: ≥128-bit base32 secrets, distinct, 0600 file", () => {
  const a = JSON.parse(run(["secret", "new", "--json"]).stdout);
  const b = JSON.parse(run(["secret", "new", "--json"]).stdout);
  assert.notEqual(a.secret, b.secret);
  assert.ok(a.secret.replaceAll("-", "").length * 5 >= 160);
  assert.equal(run(["secret", "new", "--bits", "64"]).status, 2);
  assert.equal(run(["secret", "new", "-o", "s.secret"]).status, 0);
  assert.equal(statSync(join(dir, "s.secret")).mode & 0o777, 0o600);
});

test("sign --remote: join block on stderr, in $GITHUB_STEP_SUMMARY and --join-file; nobody joined → 40", async () => {
  const summary = join(dir, "summary.md");
  const r = await runAsync(
    [
      "sign",
      "x.pub",
      "--remote",
      "--signer-kex",
      "x.pub",
      "--signer-key",
      "s.pub",
      "--relay",
      relay.url,
      "--join-timeout",
      "1s",
      "--join-file",
      "j.pem",
      "--force",
    ],
    {
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: "acme/app",
      GITHUB_RUN_ID: "77",
      GITHUB_SHA: "0123456789abcdef",
    },
  );
  assert.equal(r.status, 40, r.stderr);
  assert.match(r.stderr, /sigrun remote-sign [A-Za-z0-9_-]{100,}/);
  const pem = readFileSync(join(dir, "j.pem"), "utf8");
  assert.ok(parseJoinText(pem).byteLength <= 300);
  assert.ok(readFileSync(summary, "utf8").includes(pem.trim()));
  const inspect = run(["remote-sign", "--file", "j.pem", "--kex-key", "x.key", "--inspect"]);
  assert.match(inspect.stderr, /SESSION_EXPIRED/, "an expired join string is refused");
});

test("secrets are never accepted on argv; usage errors exit 2", async () => {
  assert.equal(
    run(["sign", "x.pub", "--remote", "--shared-secret", "hunter2hunter2", "--signer-key", "s.pub"]).status,
    2,
  );
  assert.equal(
    (await runAsync(["sign", "x.pub", "--remote", "--signer-key", "s.pub", "--relay", relay.url])).status,
    2,
  );
  assert.equal(
    (await runAsync(["sign", "x.pub", "--remote", "--signer-kex", "x.pub", "--relay", relay.url])).status,
    2,
  );
  assert.equal(run(["remote-sign", "--file", "j.pem", "--key", "s.key", "--yes"]).status, 2);
});
