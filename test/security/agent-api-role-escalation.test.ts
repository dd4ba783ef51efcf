// Attack: use the agent's HTTP API beyond one's role — read jobs, logs and outputs without a token, submit
// a bundle with the read-only token, fetch an output that was swapped after the job finished, or name a
// file outside the job's outputs. Expected: 401 without a role, 401 for a read token on POST /execute (and
// nothing runs), DIGEST_MISMATCH for a changed output, JOB_NOT_FOUND for a name the receipt does not list.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { EXIT_CODES } from "../../src/cli/exit-codes.js";
import { ownerKey, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { cli, spawnHttpAgent } from "../kit/spawn-agent.js";

test("agent-api-role-escalation: no token reads nothing, the read token cannot submit, outputs are checked", async () => {
  const d = tempDir();
  const owner = ownerKey();
  writeFileSync(join(d.path, "read.token"), "r-0123456789abcdef0123\n");
  writeFileSync(join(d.path, "submit.token"), "s-0123456789abcdef0123\n");
  writeFileSync(join(d.path, "wrong.token"), "x-0123456789abcdef0123\n");
  const job = join(d.path, "job.sgb");
  writeFileSync(job, await stubBundle([owner], { op: { op: "write", value: "data" } }));
  const { agent: a, state } = await spawnHttpAgent(d.path, owner, [
    "--read-token-file",
    join(d.path, "read.token"),
    "--submit-token-file",
    join(d.path, "submit.token"),
  ]);
  try {
    const asRead = cli(["submit", job, "--to", a.url!, "--wait", "--token-file", join(d.path, "read.token")]);
    assert.equal(asRead.status, EXIT_CODES.UNAUTHORIZED, asRead.stderr);
    assert.match(asRead.stderr, /UNAUTHORIZED/);
    const anon = cli(["submit", job, "--to", a.url!, "--wait"]);
    assert.match(anon.stderr, /UNAUTHORIZED/);
    assert.equal(anon.status, EXIT_CODES.UNAUTHORIZED, anon.stderr);
    // nothing ran: the job table is empty
    const none = JSON.parse(cli(["jobs", "list", "--state", state, "--json"]).stdout.toString());
    assert.equal(none.jobs.length, 0);

    const r = cli([
      "submit",
      job,
      "--to",
      a.url!,
      "--wait",
      "--json",
      "--token-file",
      join(d.path, "submit.token"),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const id = JSON.parse(r.stdout.toString()).receipts[0].job as string;
    for (const path of [
      "/jobs",
      `/jobs/${id}`,
      `/jobs/${id}/stdout`,
      `/jobs/${id}/outputs/out.txt`,
      "/metrics",
    ]) {
      for (const auth of [undefined, "Bearer x-0123456789abcdef0123"]) {
        const res = await fetch(new URL(path, a.url), { headers: auth ? { Authorization: auth } : {} });
        assert.equal(res.status, 401, `${path} with ${auth ?? "no token"}`);
      }
    }
    const wrong = cli(["jobs", "list", "--to", a.url!, "--token-file", join(d.path, "wrong.token")]);
    assert.match(wrong.stderr, /UNAUTHORIZED/);
    assert.equal(wrong.status, 63, "UNAUTHORIZED has its own exit status");

    const read = ["--to", a.url!, "--token-file", join(d.path, "read.token")];
    const traversal = cli(["jobs", "outputs", id, "../../host.key", ...read]);
    assert.equal(traversal.status, 61, traversal.stderr);
    const res = await fetch(new URL(`/jobs/${id}/outputs/..%2F..%2Fhost.key`, a.url), {
      headers: { Authorization: "Bearer r-0123456789abcdef0123" },
    });
    assert.equal(res.status, 404);
    writeFileSync(join(state, "work", id, "out.txt"), "swapped");
    const swapped = cli(["jobs", "outputs", id, "out.txt", ...read]);
    assert.equal(swapped.status, 11, swapped.stderr);
    assert.equal(swapped.stdout.length, 0);
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
    d.cleanup();
  }
});
