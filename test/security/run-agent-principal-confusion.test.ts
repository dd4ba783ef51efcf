// Attack: a policy written for one principal model is tested with `sigrun run job.sgb --trust` and then
// behaves differently on the agent (issue 15, "the same decision everywhere"): `permit (principal ==
// User::"root", …)` passed locally under the OS user and was denied on the agent, or — worse — a policy
// naming an OS user that is denied on the agent looked safe locally. Expected: both paths run a bundle
// under the same principal, the signer's key id (docs/spec/runner.md §9); the OS user is never the
// principal in bundle mode and is only recorded as `sigrun_explain.os_user`.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readReceiptUnverified } from "../../src/agent/index.js";
import { createBundle, signBundle } from "../../src/bundle/index.js";
import { fileSigner, generateKey, publicKeyPem } from "../../src/keys/index.js";
import { tempDir } from "../kit/agent-fixtures.js";
import { cli } from "../kit/spawn-agent.js";

const enc = (s: string) => new TextEncoder().encode(s);

async function bundleWith(dir: string, principal: string, signer: ReturnType<typeof fileSigner>) {
  const script = `let d = "ok"; try { cat("${dir}/data/in.txt") } catch (e) { d = e.kind } d`;
  const policy = `permit(principal == User::"${principal}", action, resource in file_system::Dir::"${dir}/data");`;
  const b = createBundle({
    files: new Map([
      ["script.rhai", enc(script)],
      ["policy.cedar", enc(policy)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: [],
    created: Date.now() - 1000,
    validForMs: 3_600_000,
  });
  return signBundle(b, signer);
}

test("run-agent-principal-confusion: `run --trust` and the agent decide the same, principal = signer", async () => {
  const d = tempDir();
  try {
    const signer = fileSigner(generateKey("ed25519").privateKey);
    const keyId = signer.publicKey.keyId;
    mkdirSync(join(d.path, "trusted"));
    mkdirSync(join(d.path, "data"));
    writeFileSync(join(d.path, "data", "in.txt"), "x");
    writeFileSync(join(d.path, "trusted", "signer.pem"), publicKeyPem(signer.publicKey.keyObject));
    const osUser = userInfo().username;
    const cases = [
      { name: "signer", principal: keyId, want: "ok" },
      { name: "osuser", principal: osUser, want: "PermissionDenied" },
      { name: "root", principal: "root", want: "PermissionDenied" },
    ];
    for (const c of cases) {
      const job = join(d.path, `${c.name}.sgb`);
      writeFileSync(job, await bundleWith(d.path, c.principal, signer));
      const local = cli(["run", job, "--trust", join(d.path, "trusted"), "--any-host", "--explain"]);
      assert.equal(local.status, 0, local.stderr);
      const out = JSON.parse(local.stdout.toString());
      assert.equal(out.output, c.want, `run: policy for ${c.name}`);
      assert.equal(out.sigrun_explain.principal, keyId);
      assert.equal(out.sigrun_explain.os_user, osUser);
      assert.equal(out.sigrun_explain.decisions[0].principal, `User::"${keyId}"`);

      const state = join(d.path, `state-${c.name}`);
      const agent = cli(
        ["agent", "--stdin", "--trust", join(d.path, "trusted"), "--state", state, "--host-id", "h1"],
        readFileSync(job),
      );
      const receipt = readReceiptUnverified(agent.stdout).predicate;
      assert.equal(receipt.status, "succeeded", agent.stderr);
      assert.equal(receipt.result?.value, c.want, `agent: policy for ${c.name}`);
    }
  } finally {
    d.cleanup();
  }
});
