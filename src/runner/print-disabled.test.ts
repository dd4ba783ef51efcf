import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { enc, trustFor } from "../../test/kit/bundle-fixtures.js";
import { createBundle, signBundle, verifyBundle } from "../bundle/index.js";
import { fileSigner, generateKey } from "../keys/index.js";
import { bundleInvocation } from "./bundle-invocation.js";
import { createBundleRunner } from "./run-bundle.js";

const MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-print-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const sigrun = (...args: string[]) =>
  spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, REX_RUNNER_DISABLE_MONITORING: "1" },
  });

const SCRIPT = 'print("x")';
const POLICY = "permit(principal, action, resource);";
const REFUSED = "'print' is disabled (line 1, position 1)";

test('print("x") is refused the same way by rhai eval, sigrun run (script and bundle) and the agent\'s runner', async () => {
  // rhai eval: a parse error at 1:1 (SCRIPT_PARSE_ERROR), nothing printed
  const ev = sigrun("rhai", "eval", "--expr", SCRIPT);
  assert.equal(ev.status, 31);
  assert.equal(ev.stdout, "");
  assert.match(ev.stderr, /SCRIPT_PARSE_ERROR: ParseError:Reserved at 1:1: 'print' is disabled\n/);
  // --allow-print: plain Rhai
  assert.equal(sigrun("rhai", "eval", "--allow-print", "--expr", SCRIPT).stdout, "x\n() (())\n");

  // sigrun run -s/-p
  writeFileSync(join(dir, "s.rhai"), SCRIPT);
  writeFileSync(join(dir, "p.cedar"), POLICY);
  const run = sigrun("run", "-s", join(dir, "s.rhai"), "-p", join(dir, "p.cedar"));
  const runErr = JSON.parse(run.stdout).error;
  assert.deepEqual(runErr, { error_type: "SCRIPT_EXCEPTION", message: REFUSED });

  // sigrun run job.sgb --trust
  const key = generateKey("ed25519");
  const bytes = await signBundle(
    createBundle({
      files: new Map([
        ["script.rhai", enc(SCRIPT)],
        ["policy.cedar", enc(POLICY)],
      ]),
      entry: "script.rhai",
      policy: "policy.cedar",
      targets: [],
      created: Date.now(),
      validForMs: 3_600_000,
    }),
    fileSigner(key.privateKey),
  );
  mkdirSync(join(dir, "trust"));
  writeFileSync(join(dir, "trust", "k.pem"), key.publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(join(dir, "job.sgb"), bytes);
  const rb = sigrun("run", join(dir, "job.sgb"), "--trust", join(dir, "trust"));
  assert.deepEqual(JSON.parse(rb.stdout).error, runErr);

  // the agent's path: verify, bundleInvocation, the warm worker's runner (run-worker.ts)
  const inv = bundleInvocation(verifyBundle(bytes, { trust: trustFor([key]) }));
  const { output } = await createBundleRunner()(inv, { explain: true, monitoring: false });
  assert.equal(output.status, "ERROR");
  assert.deepEqual(output.error, runErr);
});
