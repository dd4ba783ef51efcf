// Fault: the agent is killed with SIGKILL while a script runs, and the database's write-ahead log is left
// with a torn frame (as if killed in the middle of a commit). Expected after restart: the audit chain
// verifies, the interrupted job is answered INTERRUPTED and never run twice, and the inbox file that was
// being processed was not lost.
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readReceiptUnverified } from "../../src/agent/index.js";
import { readAuditEntries } from "../../src/audit/index.js";
import { publicKeyPem } from "../../src/keys/index.js";
import { ownerKey, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { cli, spawnAgent } from "../kit/spawn-agent.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("agent-kill-during-run: kill -9 mid-run → INTERRUPTED after restart, chain intact, nothing runs twice", async () => {
  const d = tempDir();
  const owner = ownerKey();
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const state = join(d.path, "state");
  const inbox = join(d.path, "inbox");
  mkdirSync(inbox);
  const args = ["--trust", join(d.path, "trusted"), "--state", state, "--host-id", "h1", "--inbox", inbox];
  const a = await spawnAgent(args);
  const db = join(state, "state.db");
  const ran = () => readAuditEntries(db).some((e) => e.type === "run"); // read-only, while the agent runs
  writeFileSync(join(inbox, ".slow.tmp"), await stubBundle([owner], { op: { op: "sleep", ms: 30_000 } }));
  renameSync(join(inbox, ".slow.tmp"), join(inbox, "slow.sgb"));
  for (let i = 0; i < 200 && !ran(); i++) await sleep(50);
  assert.ok(ran(), "the run did not start");
  // read-only tools work while the agent holds the database
  const live = cli(["audit", "verify", db, "--host-pub", join(state, "host.pub"), "--open", "--json"]);
  assert.equal(live.status, 0, live.stderr);
  assert.equal(JSON.parse(live.stdout.toString()).closed, false);
  await a.kill9();
  // a crash in the middle of a commit: a partial frame at the end of the write-ahead log
  assert.ok(existsSync(`${db}-wal`));
  appendFileSync(`${db}-wal`, Buffer.alloc(1000, 0x5a));
  assert.ok(existsSync(join(inbox, "slow.sgb")), "the inbox file must stay until its receipt is durable");

  const b = await spawnAgent(args);
  try {
    const receipt = join(inbox, "rejected", "slow.sgb.receipt.json");
    for (let i = 0; i < 200 && !existsSync(receipt); i++) await sleep(50);
    const st = readReceiptUnverified(readFileSync(receipt));
    assert.equal(st.predicate.status, "interrupted");
    assert.equal(st.predicate.error?.code, "INTERRUPTED");
  } finally {
    assert.equal(await b.stop(), 0, b.stderr());
  }
  const v = cli(["audit", "verify", db, "--host-pub", join(state, "host.pub"), "--json"]);
  assert.equal(v.status, 0, v.stderr);
  const entries = readAuditEntries(db);
  assert.equal(entries.filter((e) => e.type === "run").length, 1, "ran once only");
  assert.equal(entries.filter((e) => e.type === "recovery").length, 1, "the unclean stop is recorded");
  assert.equal(entries.filter((e) => e.type === "interrupted").length, 1);
  d.cleanup();
});
