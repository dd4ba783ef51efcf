// Attack: `kill(pid)` read the process's attributes (name, user, command), asked Cedar, then signalled
// the pid. If the authorized process exits in between and the pid is reused, the signal reaches a
// process Cedar never saw (a policy allowing `kill` of "myapp" kills sshd). The pid is reused here on
// purpose, inside a private PID namespace (ns_last_pid), at the moment between the decision and the
// signal. The kill must act only on the process that was authorized.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const INNER = fileURLToPath(new URL("../kit/kill-reuse-inner.js", import.meta.url));
const canUnshare =
  process.platform === "linux" &&
  spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "true"], { stdio: "ignore" }).status === 0;
const skip = !canUnshare && !process.env.CI ? "needs root and unshare (PID namespaces)" : false;

test("a pid reused between the Cedar decision and the signal is not signalled", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-kill-"));
  try {
    const r = spawnSync(
      "unshare",
      ["--pid", "--fork", "--mount-proc", "sh", "-c", `"${process.execPath}" "${INNER}" "${dir}"`],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const o = JSON.parse(r.stdout) as { reused: boolean; kind: string; bAlive: boolean };
    assert.equal(o.reused, true, `the namespace did not hand out the same pid: ${r.stdout}`);
    assert.equal(o.bAlive, true, `the process that took over the pid was signalled: ${r.stdout}`);
    assert.notEqual(o.kind, "ok");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
