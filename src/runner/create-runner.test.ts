import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createRunner } from "./index.js";

test("createRunner: policy sets reused across runs, each run with its own trail and decisions", async () => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-create-runner-")));
  try {
    writeFileSync(join(d, "f"), "hi");
    const run = createRunner();
    const script = `cat("${d}/f")`;
    const allow = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"${d}");`;
    const first = await run({ script, policy: allow, explain: true, monitoring: false });
    const denied = await run({ script, policy: "", explain: true, monitoring: false });
    const second = await run({ script, policy: allow, explain: true, monitoring: false });
    assert.equal(first.status, "SUCCESS");
    assert.equal(first.output, "hi");
    assert.equal(denied.status, "ERROR");
    assert.equal(denied.error?.error_type, "ACCESS_DENIED_EXCEPTION");
    assert.equal(second.status, "SUCCESS");
    assert.deepEqual(second.sigrun_explain?.policy, first.sigrun_explain?.policy);
    assert.deepEqual(second.sigrun_explain?.decisions, first.sigrun_explain?.decisions);
    assert.ok((first.sigrun_explain?.decisions.length ?? 0) > 0);
    assert.ok(first.sigrun_explain?.decisions.every((x) => x.decision === "allow"));
    assert.equal(denied.sigrun_explain?.decisions[0]?.decision, "deny");
    // a bad policy still fails the run (not served from the cache of a good one)
    const bad = await run({ script, policy: "permit(", explain: true, monitoring: false });
    assert.equal(bad.status, "ERROR");
    assert.equal(bad.sigrun_explain?.code, "POLICY_INVALID");
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
