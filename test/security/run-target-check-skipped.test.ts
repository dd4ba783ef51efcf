import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createBundle, signBundle } from "../../src/bundle/index.js";
import { fileSigner, generateKey } from "../../src/keys/index.js";

// Attack (also a new user's surprise): a bundle signed for host `db-7` ran on any machine with
// `sigrun run job.sgb --trust …`, because without `--host` the target check was skipped, while the
// agent always compares the targets with its host id. `run` and `verify` now compare the targets with
// this machine's host id (the short hostname, as the agent) unless `--any-host` says to skip explicitly.

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-target-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = generateKey("ed25519");
mkdirSync(join(dir, "trust"));
writeFileSync(join(dir, "trust", "owner.pem"), key.publicKey.export({ type: "spki", format: "pem" }));
const me = hostname().split(".")[0]!;

async function bundle(targets: string[]): Promise<string> {
  const p = join(dir, `${targets.join("_") || "any"}.sgb`);
  const unsigned = createBundle({
    files: new Map([
      ["script.rhai", new TextEncoder().encode("40 + 2")],
      ["policy.cedar", new TextEncoder().encode("permit(principal, action, resource);")],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets,
    created: Date.now() - 1000,
    validForMs: 3_600_000,
  });
  writeFileSync(p, await signBundle(unsigned, fileSigner(key.privateKey)));
  return p;
}
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, REX_RUNNER_DISABLE_MONITORING: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const trust = ["--trust", join(dir, "trust")];

test("run without --host refuses a bundle for another host (WRONG_TARGET), runs nothing", async () => {
  const other = await bundle(["db-7-not-this-host"]);
  const r = cli("run", other, ...trust);
  assert.notEqual(r.code, 0, r.stdout);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /WRONG_TARGET/);
  // --any-host skips the check explicitly
  const any = cli("run", other, ...trust, "--any-host");
  assert.equal(any.code, 0, any.stderr);
  assert.equal(JSON.parse(any.stdout).output, "42");
});

test("run without --host accepts a bundle for this machine's host id, and untargeted bundles", async () => {
  for (const targets of [[me], []]) {
    const r = cli("run", await bundle(targets), ...trust);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).output, "42");
  }
});

test("verify without --host checks the targets against this machine too", async () => {
  const other = await bundle(["db-7-not-this-host"]);
  const r = cli("verify", other, ...trust);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /WRONG_TARGET/);
  assert.equal(cli("verify", other, ...trust, "--any-host").code, 0);
  assert.equal(cli("verify", await bundle([me]), ...trust).code, 0);
  // --host and --any-host together make no sense
  assert.equal(cli("verify", other, ...trust, "--any-host", "--host", "x").code, 2);
});
