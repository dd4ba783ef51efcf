import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { runScript } from "../../src/runner/index.js";

// Attack: a policy lets scripts read `/proc` (ps-like monitoring, /proc/meminfo). The runner (and
// the agent, whose workers are threads of one process) is itself a process under /proc: through
// `/proc/self/environ`, `/proc/<pid>/mem`, `/proc/<tid>/…` or `/proc/self/fd/N` a script could read the
// runner's own secrets (environment credentials, keys in memory, descriptors the agent holds open).
// No policy can name the runner's pid, so the runner's own /proc entries are refused outright.

const SECRET = `sigrun-test-secret-${process.pid}`;
process.env.SIGRUN_PROC_TEST_SECRET = SECRET;
const policy = `permit(principal, action, resource in file_system::Dir::"/proc");`;
const tid = readdirSync("/proc/self/task").find((t) => t !== String(process.pid)) ?? String(process.pid);

const paths = [
  "/proc/self/environ",
  `/proc/${process.pid}/environ`,
  "/proc/thread-self/environ",
  `/proc/${tid}/environ`,
  `/proc/${process.pid}/task/${process.pid}/environ`,
];

for (const p of paths) {
  test(`${p}: the runner's own process is not readable`, async () => {
    const out = await runScript({ script: `cat("${p}")`, policy, monitoring: false });
    assert.equal(out.status, "ERROR", `read ${p}: ${out.output.slice(0, 80)}`);
    assert.ok(!out.output.includes(SECRET));
  });
}

test("descriptors of the runner via /proc/self/fd are refused (handle API, following)", async () => {
  const out = await runScript({
    script: `let d = DirConfig().path("/proc/self/fd").build().open(OpenDirOptions().follow_symlinks(true).build()); d.list_entries().len()`,
    policy,
    monitoring: false,
  });
  assert.equal(out.status, "ERROR", out.output);
});

test("other processes' /proc entries stay governed by the policy", async () => {
  const out = await runScript({ script: `cat("/proc/meminfo").len() > 0`, policy, monitoring: false });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.equal(out.output, "true");
});
