import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../test/kit/agent-fixtures.js";
import { cli, spawnHttpAgent } from "../../test/kit/spawn-agent.js";
import { publicKeyPem } from "../keys/index.js";
import type { JobRow } from "./job-store.js";
import { jobsPageJson, MAX_PAGE_BYTES } from "./jobs-api.js";

test("jobs API: list (paged, by status), show, logs, outputs, metrics — over HTTP with the read token and over --state", async () => {
  const d = tempDir();
  const owner = ownerKey();
  writeFileSync(join(d.path, "read.token"), "r-0123456789abcdef0123\n");
  writeFileSync(join(d.path, "submit.token"), "s-0123456789abcdef0123\n");
  const ok = join(d.path, "ok.sgb");
  writeFileSync(ok, await stubBundle([owner], { op: { op: "write", value: "data" } }));
  const bad = join(d.path, "bad.sgb");
  writeFileSync(bad, await stubBundle([owner], { op: { op: "fail", value: "disk full" } }));
  const { agent: a, state } = await spawnHttpAgent(d.path, owner, [
    "--read-token-file",
    join(d.path, "read.token"),
    "--submit-token-file",
    join(d.path, "submit.token"),
  ]);
  try {
    const sub = ["--to", a.url!, "--wait", "--token-file", join(d.path, "submit.token"), "--json"];
    const r1 = cli(["submit", ok, ...sub]);
    assert.equal(r1.status, 0, r1.stderr);
    const okJob = JSON.parse(r1.stdout.toString()).receipts[0].job as string;
    const r2 = cli(["submit", bad, ...sub]);
    assert.equal(r2.status, 30, r2.stderr);
    const badJob = JSON.parse(r2.stdout.toString()).receipts[0].job as string;

    for (const src of [
      ["--to", a.url!, "--token-file", join(d.path, "read.token")],
      ["--state", state],
    ]) {
      const all = JSON.parse(cli(["jobs", "list", ...src, "--json"]).stdout.toString());
      assert.deepEqual(new Set(all.jobs.map((j: { id: string }) => j.id)), new Set([okJob, badJob]));
      const failed = JSON.parse(
        cli(["jobs", "list", ...src, "--status", "failed", "--json"]).stdout.toString(),
      );
      assert.deepEqual(
        failed.jobs.map((j: { id: string }) => j.id),
        [badJob],
      );
      assert.equal(failed.jobs[0].error, "SCRIPT_ERROR");
      const p1 = JSON.parse(cli(["jobs", "list", ...src, "--limit", "1", "--json"]).stdout.toString());
      assert.equal(p1.jobs.length, 1);
      assert.ok(p1.next);
      const p2 = JSON.parse(
        cli(["jobs", "list", ...src, "--limit", "1", "--cursor", p1.next, "--json"]).stdout.toString(),
      );
      assert.equal(p2.jobs.length, 1);
      assert.notEqual(p2.jobs[0].id, p1.jobs[0].id);
      assert.equal(p2.next, null);

      const show = JSON.parse(cli(["jobs", "show", badJob, ...src, "--json"]).stdout.toString());
      assert.equal(show.outcome.error, "SCRIPT_ERROR");
      assert.equal(show.outcome.message, "disk full");
      assert.match(cli(["jobs", "logs", badJob, "--stderr", ...src]).stdout.toString(), /disk full/);
      assert.match(cli(["jobs", "logs", okJob, ...src]).stdout.toString(), /"output":"written"/);
      assert.equal(cli(["jobs", "outputs", okJob, "out.txt", ...src]).stdout.toString(), "data");
      const dest = join(d.path, `out-${src[0]!.slice(2)}`);
      const w = cli(["jobs", "outputs", okJob, ...src, "-o", dest]);
      assert.equal(w.status, 0, w.stderr);
      assert.equal(readFileSync(join(dest, "out.txt"), "utf8"), "data");
      // a job without outputs says so, and -o DIR is there afterwards (empty), as a script expects
      const none = cli(["jobs", "outputs", badJob, ...src, "-o", `${dest}-none/`]);
      assert.equal(none.status, 0, none.stderr);
      assert.match(none.stderr, new RegExp(`job ${badJob}: no outputs`));
      assert.deepEqual(readdirSync(`${dest}-none`), []);
      const missing = cli(["jobs", "show", "0".repeat(32), ...src]);
      assert.equal(missing.status, 61, missing.stderr);

      const m = cli(["jobs", "metrics", ...src]).stdout.toString();
      assert.match(m, /^sigrun_agent_jobs\{status="succeeded"\} 1$/m);
      assert.match(m, /^sigrun_agent_jobs\{status="failed"\} 1$/m);
      assert.match(m, /^sigrun_agent_run_seconds_count 2$/m);
      assert.match(m, /^sigrun_agent_run_seconds_bucket\{le="\+Inf"\} 2$/m);
      assert.match(m, /^sigrun_agent_queue_depth 0$/m);
      const seq = Number(/^sigrun_agent_audit_seq (\d+)$/m.exec(m)?.[1]);
      assert.ok(seq > 4, m);
    }
    const again = cli(["submit", ok, ...sub]);
    assert.equal(again.status, 50);
    const m = cli(["jobs", "metrics", "--state", state]).stdout.toString();
    assert.match(m, /^sigrun_agent_rejections\{code="REPLAY"\} 1$/m);
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
    d.cleanup();
  }
});

test("jobs API: a page is cut before it outgrows the byte cap, and next continues right after the last row kept", () => {
  const row = (i: number, outputs: number): JobRow => ({
    id: i.toString(16).padStart(32, "0"),
    status: "succeeded",
    transport: "http",
    bundleId: null,
    submissionSha256: null,
    bytes: 1,
    queued: 1000 - i,
    started: null,
    finished: null,
    errorCode: null,
    auditSeq: null,
    stdoutSha256: null,
    stderrSha256: null,
    outputs: Array.from({ length: outputs }, (_, k) => ({ name: `out-${k}.txt`, sha256: "0".repeat(64) })),
    hasReceipt: true,
  });
  const rows = [row(1, 100), row(2, 100), row(3, 100)];
  const one = Buffer.byteLength(JSON.stringify(jobsPageJson({ jobs: [rows[0]!], next: null }).jobs[0])) + 1;
  const cut = jobsPageJson({ jobs: rows, next: "7-abc" }, one * 2 + 10);
  assert.equal(cut.jobs.length, 2);
  assert.equal(cut.next, `${rows[1]!.queued}-${rows[1]!.id}`);
  assert.ok(Buffer.byteLength(JSON.stringify(cut)) < one * 2 + 100);
  const whole = jobsPageJson({ jobs: rows, next: "7-abc" });
  assert.equal(whole.jobs.length, 3);
  assert.equal(whole.next, "7-abc", "an uncut page keeps the database's cursor");
  const single = jobsPageJson({ jobs: rows, next: null }, 10);
  assert.equal(single.jobs.length, 1, "one row always goes out");
  assert.equal(single.next, `${rows[0]!.queued}-${rows[0]!.id}`);
  assert.ok(MAX_PAGE_BYTES >= 1024 * 1024);
});
