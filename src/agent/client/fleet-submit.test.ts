import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../../test/kit/agent-fixtures.js";
import { natsUnavailable, startNats } from "../../../test/kit/nats.js";
import { cli, type SpawnedAgent, spawnAgent } from "../../../test/kit/spawn-agent.js";
import { publicKeyPem } from "../../keys/index.js";
import { readReceiptUnverified } from "../receipt.js";

const skip = process.env.CI ? undefined : natsUnavailable();

test("submit --nats --group --wait: progress k of N, one receipt file per host, partial exit code on timeout", {
  skip,
}, async () => {
  const nats = await startNats();
  const d = tempDir();
  const owner = ownerKey();
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const group = `g${Math.random().toString(16).slice(2, 10)}`;
  const agents: SpawnedAgent[] = [];
  try {
    for (const h of ["a1", "a2"])
      agents.push(
        await spawnAgent([
          "--trust",
          join(d.path, "trusted"),
          "--state",
          join(d.path, h),
          "--host-id",
          h,
          "--groups",
          group,
          "--nats",
          nats.url,
        ]),
      );
    const job = join(d.path, "job.sgb");
    writeFileSync(
      job,
      await stubBundle([owner], { op: { op: "echo", value: "hi" }, targets: [`group:${group}`] }),
    );
    const out = join(d.path, "receipts");
    mkdirSync(out);
    // three expected, two members: both receipts are written, the exit code says partial
    const r = cli([
      "submit",
      job,
      "--nats",
      nats.url,
      "--group",
      group,
      "--wait",
      "--count",
      "3",
      "--timeout",
      "4s",
      "-o",
      out,
    ]);
    assert.equal(r.status, 47, r.stderr);
    assert.match(r.stderr, /receipt 1 of 3: a[12] succeeded/);
    assert.match(r.stderr, /receipt 2 of 3: a[12] succeeded/);
    assert.match(r.stderr, /PARTIAL_RESULT: 2 of 3 receipts/);
    assert.deepEqual(readdirSync(out).sort(), ["a1.receipt.json", "a2.receipt.json"]);
    for (const h of ["a1", "a2"])
      assert.equal(readReceiptUnverified(readFileSync(join(out, `${h}.receipt.json`))).predicate.host.id, h);
    assert.match(r.stdout.toString(), /job [0-9a-f]{32} on a1: succeeded/);
    // re-submitted: JetStream de-duplicates it; the submitter says REPLAY at once instead of waiting 60 s
    const t0 = Date.now();
    const again = cli([
      "submit",
      job,
      "--nats",
      nats.url,
      "--group",
      group,
      "--wait",
      "--count",
      "2",
      "--timeout",
      "60s",
    ]);
    assert.equal(again.status, 50, again.stderr);
    assert.match(again.stderr, /REPLAY: nats: JetStream already holds this bundle/);
    assert.ok(Date.now() - t0 < 30_000, "answered without waiting for the timeout");
  } finally {
    for (const a of agents) await a.stop();
    await nats.stop();
    d.cleanup();
  }
});
