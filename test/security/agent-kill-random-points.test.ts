// Fault: the agent is killed with SIGKILL at random points (HTTP intake, verification, the run decision's
// commit, the run, the finish commit) again and again while 200 distinct bundles are submitted over HTTP;
// a client resubmits every bundle it got no receipt for, until each has one. Expected afterwards: every
// accepted submission has exactly one job row that ran or was interrupted and bears a receipt, no bundle
// ran twice, no job is left running, every receipt a client received is the one stored, and
// `sigrun audit verify` passes on the database.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { readReceiptUnverified } from "../../src/agent/index.js";
import { publicKeyPem } from "../../src/keys/index.js";
import { ownerKey, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { cli, spawnAgent } from "../kit/spawn-agent.js";

const N = 200;
const MAX_KILLS = 12;

test("agent-kill-random-points: 200 submissions across repeated kill -9 → each ran at most once, one receipt each", {
  timeout: 180_000,
}, async (t) => {
  const d = tempDir();
  const owner = ownerKey();
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const state = join(d.path, "state");
  const args = [
    "--trust",
    join(d.path, "trusted"),
    "--state",
    state,
    "--host-id",
    "h1",
    "--http",
    "127.0.0.1:0",
  ];
  const bundles = await Promise.all(
    Array.from({ length: N }, (_, i) => stubBundle([owner], { op: { op: "write", value: `bundle-${i}` } })),
  );
  const answered = new Map<number, Uint8Array>(); // bundle index → the receipt the client got
  const received: Uint8Array[] = [];
  let kills = 0;
  let lastKilled = false;
  for (let round = 0; answered.size < N; round++) {
    assert.ok(round < MAX_KILLS + 5, "the submissions never all completed");
    const a = await spawnAgent(args);
    const killing = kills < MAX_KILLS;
    const pending = [...Array(N).keys()].filter((i) => !answered.has(i));
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const i = pending[next++]!;
        try {
          const res = await fetch(`${a.url}/execute`, { method: "POST", body: bundles[i] });
          const body = new Uint8Array(await res.arrayBuffer());
          if (body.length === 0 || res.status >= 500) continue;
          received.push(body);
          answered.set(i, body);
        } catch {
          // the agent died under this request: resubmitted next round
        }
      }
    };
    const clients = Promise.all(Array.from({ length: 6 }, worker));
    if (killing) {
      // short windows, so that several kills land even when the machine is idle and the agent is fast
      await Promise.race([clients, new Promise((r) => setTimeout(r, 20 + Math.random() * 130))]);
      await a.kill9();
      kills++;
      lastKilled = true;
      await clients;
    } else {
      await clients;
      assert.equal(await a.stop(), 0, a.stderr());
      lastKilled = false;
    }
  }
  if (lastKilled) {
    // every submission was answered before the last kill: one clean start and stop closes the log (and
    // exercises the recovery after that kill)
    const a = await spawnAgent(args);
    assert.equal(await a.stop(), 0, a.stderr());
  }
  assert.ok(kills >= 5, `only ${kills} kills`);

  const db = join(state, "state.db");
  const v = cli(["audit", "verify", db, "--host-pub", join(state, "host.pub"), "--json"]);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout.toString()).closed, true);

  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    assert.equal(
      (conn.prepare("SELECT count(*) AS n FROM jobs WHERE status = 'running'").get() as { n: number }).n,
      0,
      "no job is left running",
    );
    const by = conn.prepare("SELECT status, count(*) AS n FROM jobs GROUP BY status").all();
    t.diagnostic(`${kills} kills; jobs by status: ${JSON.stringify(by)}`);
    const receiptOf = conn.prepare("SELECT receipt FROM jobs WHERE id = ?");
    for (const r of received) {
      const st = readReceiptUnverified(r);
      const row = receiptOf.get(st.predicate.job.id) as { receipt: Uint8Array } | undefined;
      assert.ok(row, `job ${st.predicate.job.id} of a receipt the client got is in the database`);
      assert.deepEqual(new Uint8Array(row.receipt), r, "the stored receipt is the one the client got");
    }
    const accepted = conn.prepare(
      "SELECT id, status FROM jobs WHERE bundle_id = ? AND receipt IS NOT NULL AND status IN ('succeeded', 'failed', 'interrupted')",
    );
    const runsOf = new Map<string, number>();
    for (const job of readdirSync(join(state, "work"))) {
      const out = join(state, "work", job, "out.txt");
      if (existsSync(out)) {
        const v = readFileSync(out, "utf8");
        runsOf.set(v, (runsOf.get(v) ?? 0) + 1);
      }
    }
    for (let i = 0; i < N; i++) {
      const st = readReceiptUnverified(answered.get(i)!);
      const id = st.predicate.bundle?.id;
      assert.ok(id, `bundle ${i} was verified`);
      const rows = accepted.all(id) as { id: string; status: string }[];
      assert.equal(rows.length, 1, `bundle ${i}: ${rows.length} receipt-bearing jobs`);
      const runs = runsOf.get(`bundle-${i}`) ?? 0;
      assert.ok(runs <= 1, `bundle ${i} ran ${runs} times`);
      if (rows[0]!.status === "succeeded") assert.equal(runs, 1, `bundle ${i} succeeded without running`);
    }
  } finally {
    conn.close();
  }
  d.cleanup();
});
