// Attack/accident: a bundle is still being copied into the inbox (scp writes in place; rsync and careful
// writers use a temporary name) or a copy died half way. Expected: temporary names are never read; a file
// being written is not taken until it stops changing; a truncated file is rejected (BUNDLE_MALFORMED or
// a digest/signature failure), never run; receipts sit beside the moved files.
import assert from "node:assert/strict";
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { InboxTransport, readReceiptUnverified } from "../../src/agent/index.js";
import { readAuditEntries } from "../../src/audit/index.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(path: string, ms = 10_000): Promise<void> {
  for (let t = 0; t < ms && !existsSync(path); t += 50) await sleep(50);
  assert.ok(existsSync(path), `${path} did not appear`);
}

test("agent-partial-file-in-inbox: temp names are ignored, growing files wait, truncated files are rejected", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const state = join(d.path, "state");
  const inbox = join(d.path, "inbox");
  const agent = await Agent.start({
    stateDir: state,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
  });
  const t = new InboxTransport({ dir: inbox, settleMs: 300, pollMs: 100 });
  await t.start(agent);
  try {
    const a = Buffer.from(await stubBundle([owner], { op: { op: "write", value: "a" } }));
    // 1. temporary names are never touched, however long they sit there
    writeFileSync(join(inbox, ".a.sgb.part"), a.subarray(0, 100));
    writeFileSync(join(inbox, "a.sgb.tmp"), a.subarray(0, 100));
    await sleep(700);
    assert.ok(existsSync(join(inbox, ".a.sgb.part")) && existsSync(join(inbox, "a.sgb.tmp")));
    // ...and the rename makes it visible
    writeFileSync(join(inbox, ".a.sgb.part"), a);
    renameSync(join(inbox, ".a.sgb.part"), join(inbox, "a.sgb"));
    await waitFor(join(inbox, "done", "a.sgb.receipt.json"));
    assert.equal(
      readReceiptUnverified(readFileSync(join(inbox, "done", "a.sgb.receipt.json"))).predicate.status,
      "succeeded",
    );

    // 2. written in place in slices, slower than the poll interval but faster than settle: taken once, complete
    const b = Buffer.from(await stubBundle([owner], { op: { op: "write", value: "b" } }));
    const step = Math.ceil(b.length / 4);
    writeFileSync(join(inbox, "b.sgb"), b.subarray(0, step));
    for (let i = 1; i < 4; i++) {
      await sleep(150);
      appendFileSync(join(inbox, "b.sgb"), b.subarray(i * step, (i + 1) * step));
    }
    await waitFor(join(inbox, "done", "b.sgb.receipt.json"));
    assert.equal(
      readReceiptUnverified(readFileSync(join(inbox, "done", "b.sgb.receipt.json"))).predicate.status,
      "succeeded",
    );

    // 3. a copy that died half way: rejected, nothing runs
    const c = Buffer.from(await stubBundle([owner], { op: { op: "write", value: "c" } }));
    writeFileSync(join(inbox, "c.sgb"), c.subarray(0, Math.floor(c.length / 2)));
    await waitFor(join(inbox, "rejected", "c.sgb.receipt.json"));
    const rc = readReceiptUnverified(readFileSync(join(inbox, "rejected", "c.sgb.receipt.json")));
    assert.equal(rc.predicate.status, "rejected");
    assert.ok(
      ["BUNDLE_MALFORMED", "DIGEST_MISMATCH", "SIGNATURE_INVALID"].includes(String(rc.predicate.error?.code)),
    );
    assert.ok(existsSync(join(inbox, "rejected", "c.sgb")));
  } finally {
    await t.stop();
    await agent.close();
  }
  const runs = readAuditEntries(join(state, "state.db")).filter((e) => e.type === "run");
  assert.equal(runs.length, 2);
  assert.deepEqual(readdirSync(inbox).sort(), ["a.sgb.tmp", "done", "rejected"]);
  d.cleanup();
});
