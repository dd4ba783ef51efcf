import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../../../test/kit/agent-fixtures.js";
import { Agent } from "../agent.js";
import { InboxTransport } from "./inbox.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mode = (p: string): string => (statSync(p).mode & 0o7777).toString(8).padStart(4, "0");

async function waitFor(path: string, ms = 10_000): Promise<void> {
  for (let t = 0; t < ms && !existsSync(path); t += 50) await sleep(50);
  assert.ok(existsSync(path), `${path} did not appear`);
}

/** Runs one good and one truncated bundle through a fresh inbox under `umask`; returns the paths. */
async function runInbox(umask: number, precreate?: number) {
  const d = tempDir();
  const old = process.umask(umask);
  const owner = ownerKey();
  const state = join(d.path, "state");
  const inbox = join(d.path, "spool", "inbox");
  if (precreate !== undefined) {
    mkdirSync(inbox, { recursive: true });
    chmodSync(inbox, precreate);
  }
  const agent = await Agent.start({
    stateDir: state,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
  });
  const t = new InboxTransport({ dir: inbox, settleMs: 100, pollMs: 50 });
  try {
    await t.start(agent);
    const good = await stubBundle([owner], { op: { op: "write", value: "a" } });
    writeFileSync(join(inbox, "a.sgb"), good);
    writeFileSync(join(inbox, "b.sgb"), good.subarray(0, 40));
    await waitFor(join(inbox, "done", "a.sgb.receipt.json"));
    await waitFor(join(inbox, "rejected", "b.sgb.receipt.json"));
  } finally {
    await t.stop();
    await agent.close();
    process.umask(old);
  }
  return { d, state, inbox };
}

test("inbox: receipts 0640 and the directories it creates 0750 even under UMask=0077; secrets stay 0600/0700", async () => {
  const { d, state, inbox } = await runInbox(0o077);
  try {
    assert.equal(mode(join(d.path, "spool")), "0750", "a parent the inbox created");
    for (const dir of [inbox, join(inbox, "done"), join(inbox, "rejected")])
      assert.equal(mode(dir), "0750", dir);
    assert.equal(mode(join(inbox, "done", "a.sgb.receipt.json")), "0640");
    assert.equal(mode(join(inbox, "rejected", "b.sgb.receipt.json")), "0640");
    // the job files beside them too (written 0600 under this umask)
    assert.equal(mode(join(inbox, "done", "a.sgb")), "0640");
    assert.equal(mode(join(inbox, "rejected", "b.sgb")), "0640");
    assert.equal(mode(state), "0700");
    assert.equal(mode(join(state, "host.key")), "0600");
  } finally {
    d.cleanup();
  }
});

test("inbox: a wide umask does not widen receipts or secrets; an existing inbox keeps its owner's mode", async () => {
  const { d, state, inbox } = await runInbox(0o002, 0o2770);
  try {
    assert.equal(mode(inbox), "2770", "the operator's shared inbox is left as it was");
    assert.equal(mode(join(inbox, "done")), "0750");
    assert.equal(mode(join(inbox, "done", "a.sgb.receipt.json")), "0640");
    assert.equal(mode(join(inbox, "rejected", "b.sgb.receipt.json")), "0640");
    // the job files beside them too (written 0600 under this umask)
    assert.equal(mode(join(inbox, "done", "a.sgb")), "0640");
    assert.equal(mode(join(inbox, "rejected", "b.sgb")), "0640");
    assert.equal(mode(state), "0700");
    assert.equal(mode(join(state, "host.key")), "0600");
    for (const sub of ["blobs", "work"])
      if (existsSync(join(state, sub))) assert.equal(mode(join(state, sub)), "0700", sub);
  } finally {
    d.cleanup();
  }
});
