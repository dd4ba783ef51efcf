// Attack: capture a signed bundle and submit it again — over the same or another transport, before or
// after an agent restart. Expected: the second submission is rejected with REPLAY (and a signed receipt
// saying so); the script never runs twice.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readReceiptUnverified } from "../../src/agent/index.js";
import { publicKeyPem } from "../../src/keys/index.js";
import { ownerKey, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { cli, spawnAgent } from "../kit/spawn-agent.js";

test("agent-replay: the same bundle over http, inbox and stdin runs once", async () => {
  const d = tempDir();
  const owner = ownerKey();
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const job = join(d.path, "job.sgb");
  writeFileSync(job, await stubBundle([owner], { op: { op: "write", value: "ran" } }));
  const state = join(d.path, "state");
  const inbox = join(d.path, "inbox");
  const common = ["--trust", join(d.path, "trusted"), "--state", state, "--host-id", "h1"];
  const a = await spawnAgent([...common, "--http", "127.0.0.1:0", "--inbox", inbox]);
  try {
    const first = cli([
      "submit",
      job,
      "--to",
      a.url!,
      "--wait",
      "--host-pub",
      join(state, "host.pub"),
      "--json",
    ]);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout.toString()).receipts[0].status, "succeeded");

    const second = cli([
      "submit",
      job,
      "--to",
      a.url!,
      "--wait",
      "--host-pub",
      join(state, "host.pub"),
      "--json",
    ]);
    assert.equal(second.status, 50, second.stderr);
    assert.equal(JSON.parse(second.stdout.toString()).receipts[0].error, "REPLAY");

    writeFileSync(join(inbox, ".job.sgb.tmp"), readFileSync(job));
    // writers rename into place
    const { renameSync } = await import("node:fs");
    renameSync(join(inbox, ".job.sgb.tmp"), join(inbox, "job.sgb"));
    const receiptPath = join(inbox, "rejected", "job.sgb.receipt.json");
    for (let i = 0; i < 100 && !existsSync(receiptPath); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(readReceiptUnverified(readFileSync(receiptPath)).predicate.error?.code, "REPLAY");
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
  }
  // after a restart, over stdin
  const third = cli(
    ["agent", "--stdin", ...common, "--runner-module", "data:text/javascript,"],
    readFileSync(job),
  );
  assert.equal(third.status, 50, third.stderr);
  assert.equal(readReceiptUnverified(third.stdout).predicate.error?.code, "REPLAY");
  // exactly one run produced an output
  const runs = readdirSync(join(state, "work")).filter((j) => existsSync(join(state, "work", j, "out.txt")));
  assert.equal(runs.length, 1);
  assert.equal(
    cli(["audit", "verify", join(state, "state.db"), "--host-pub", join(state, "host.pub")]).status,
    0,
  );
  d.cleanup();
});
