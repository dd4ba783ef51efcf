import assert from "node:assert/strict";
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../test/kit/agent-fixtures.js";
import { cli } from "../../test/kit/spawn-agent.js";
import { readAuditEntries } from "../audit/index.js";
import { isSigrunError } from "../core/index.js";
import { fileSigner, parsePrivateKey, publicKeyPem } from "../keys/index.js";
import { Agent } from "./agent.js";

// written by sigrun before state.db (see its README.md)
const FIXTURE = fileURLToPath(new URL("../../../test/data/legacy-state", import.meta.url));

test("agent migrate-state: an old JSON-lines state dir is refused, then imported once", async () => {
  const d = tempDir();
  cpSync(FIXTURE, d.path, { recursive: true });
  const state = join(d.path, "state");
  const owner = fileSigner(parsePrivateKey(new Uint8Array(readFileSync(join(d.path, "owner.key")))));
  const trust = join(d.path, "owner.pub");
  writeFileSync(trust, publicKeyPem(owner.publicKey.keyObject));
  // a bundle that was running when the old agent died
  const runningId = "ab".repeat(16);
  appendFileSync(
    join(state, "replay.jsonl"),
    `${JSON.stringify({ id: runningId, exp: 4e12, st: "running" })}\n`,
  );
  const oldLog = readFileSync(join(state, "audit.log"), "utf8").split("\n").slice(0, -1);

  const args = ["agent", "--stdin", "--state", state, "--trust", trust, "--host-id", "legacy-host"];
  const refused = cli(
    [...args, "--runner-module", "data:text/javascript,"],
    readFileSync(join(d.path, "ran.sgb")),
  );
  assert.equal(refused.status, 58, refused.stderr);
  assert.match(refused.stderr, /STATE_MIGRATION_REQUIRED: .*`sigrun agent migrate-state .*state`/);
  assert.ok(!existsSync(join(state, "state.db")), "a refused start creates nothing");

  const m = cli(["agent", "migrate-state", state, "--json"]);
  assert.equal(m.status, 0, m.stderr);
  const report = JSON.parse(m.stdout.toString());
  assert.equal(report.auditEntries, oldLog.length);
  assert.equal(report.jobs, 4);
  assert.equal(report.replay, 3);
  for (const f of ["audit.log", "replay.jsonl", "jobs"]) {
    assert.ok(!existsSync(join(state, f)), `${f} moved away`);
    assert.ok(existsSync(join(report.legacyDir, f)), `${f} kept in ${report.legacyDir}`);
  }
  // the old chain is kept verbatim, then the import is recorded and signed
  const entries = readAuditEntries(join(state, "state.db"));
  assert.deepEqual(
    entries.slice(0, oldLog.length).map((e) => e.hash),
    oldLog.map((l) => JSON.parse(l).hash),
  );
  assert.equal(entries.find((e) => e.type === "migrated")?.data.jobs, 4);
  const v = cli(["audit", "verify", state, "--host-pub", join(state, "host.pub"), "--json"]);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout.toString()).closed, true);
  // the run's work dir moved; every receipt is in the jobs table
  const work = readdirSync(join(state, "work"));
  assert.ok(work.some((j) => existsSync(join(state, "work", j, "out.txt"))));

  const agent = await Agent.start({
    stateDir: state,
    hostId: "legacy-host",
    trust: (await import("../../test/kit/agent-fixtures.js")).trustOf(owner),
    run: async () => {
      throw new Error("must not run");
    },
  });
  try {
    const rows = agent.jobs.list({ limit: 10 });
    assert.equal(rows.length, 4);
    assert.equal(rows.filter((r) => r.hasReceipt).length, 4);
    assert.ok(rows.every((r) => agent.jobs.receipt(r.id)!.length > 0));
    // the replay set came along: the bundle that ran is not run again
    const again = await agent.submit({
      bytes: new Uint8Array(readFileSync(join(d.path, "ran.sgb"))),
      transport: "test",
    });
    assert.equal(again.errorCode, "REPLAY");
  } finally {
    await agent.close();
  }
  const twice = cli(["agent", "migrate-state", state]);
  assert.equal(twice.status, 2, twice.stderr);
  assert.match(twice.stderr, /nothing to migrate/);
  d.cleanup();
});

test("agent migrate-state: Agent.start names the command", async () => {
  const d = tempDir();
  cpSync(join(FIXTURE, "state"), d.path, { recursive: true });
  await assert.rejects(
    Agent.start({ stateDir: d.path, hostId: "h", trust: { keys: [], threshold: 1 } as never }),
    (err) => isSigrunError(err, "STATE_MIGRATION_REQUIRED") && /migrate-state/.test(err.message),
  );
  d.cleanup();
});

test("agent migrate-state: a state dir that does not exist is a coded IO_ERROR, not INTERNAL", () => {
  const d = tempDir();
  const r = cli(["agent", "migrate-state", join(d.path, "missing"), "--json"]);
  assert.equal(r.status, 28, r.stderr);
  assert.match(r.stderr, /^sigrun: IO_ERROR: state dir .*missing: ENOENT/);
  assert.equal(JSON.parse(r.stdout.toString("utf8")).code, "IO_ERROR");
});
