import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { stubBundle } from "../../../test/kit/agent-fixtures.js";
import { fleetWorld } from "../../../test/kit/fleet-world.js";
import { redisAvailable, startTestRedis } from "../../../test/kit/redis.js";
import { cli } from "../../../test/kit/spawn-agent.js";
import { readReceiptUnverified } from "../receipt.js";

const skip = process.env.CI || redisAvailable() ? undefined : "redis-server not installed (CI installs it)";

test("fleet over Redis: fleet ls, submit --group --wait without --count, progress, -o DIR, partial, replay", {
  skip,
}, async () => {
  const redis = await startTestRedis();
  const w = await fleetWorld(["--redis", redis.url], ["r1", "r2"]).catch(async (err) => {
    await redis.stop();
    throw err;
  });
  const { owner, group, keys } = w;
  const a = w.hostId;
  const d = { path: w.dir };
  try {
    const ls = cli(["fleet", "ls", "--redis", redis.url, "--group", group, "--host-keys", keys, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    const listed = JSON.parse(ls.stdout.toString()) as {
      hosts: { host: string; signature: string; live: boolean; transport: string }[];
    };
    assert.deepEqual(
      listed.hosts.map((h) => [h.host, h.signature, h.live, h.transport]),
      [
        [a("r1"), "verified", true, "redis"],
        [a("r2"), "verified", true, "redis"],
      ],
    );

    const job = join(d.path, "job.sgb");
    writeFileSync(
      job,
      await stubBundle([owner], { op: { op: "echo", value: "hi" }, targets: [`group:${group}`] }),
    );
    const out = join(d.path, "receipts");
    mkdirSync(out);
    const r = cli([
      "submit",
      job,
      "--redis",
      redis.url,
      "--group",
      group,
      "--wait",
      "--timeout",
      "30s",
      "-o",
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`waiting for 2 live members of group ${group}: ${a("r1")}, ${a("r2")}`),
    );
    assert.match(r.stderr, /receipt 1 of 2: \S+ succeeded \(waiting for \S+\)/);
    assert.match(r.stderr, /receipt 2 of 2: \S+ succeeded\n/);
    assert.deepEqual(readdirSync(out).sort(), [`${a("r1")}.receipt.json`, `${a("r2")}.receipt.json`]);
    for (const h of ["r1", "r2"])
      assert.equal(
        readReceiptUnverified(readFileSync(join(out, `${a(h)}.receipt.json`))).predicate.host.id,
        a(h),
      );

    // re-submitted: Redis does not de-duplicate; each agent answers at once with a REPLAY receipt
    const t0 = Date.now();
    const again = cli(["submit", job, "--redis", redis.url, "--group", group, "--wait", "--timeout", "60s"]);
    assert.equal(again.status, 50, again.stderr);
    assert.match(again.stderr, /receipt 2 of 2: \S+ rejected REPLAY/);
    assert.ok(Date.now() - t0 < 30_000, "answered without waiting for the timeout");

    // --count 3 with two members: both receipts written, exit 47 PARTIAL_RESULT
    const job2 = join(d.path, "job2.sgb");
    writeFileSync(
      job2,
      await stubBundle([owner], { op: { op: "echo", value: "2" }, targets: [`group:${group}`] }),
    );
    const out2 = join(d.path, "receipts2");
    mkdirSync(out2);
    const p = cli([
      "submit",
      job2,
      "--redis",
      redis.url,
      "--group",
      group,
      "--wait",
      "--count",
      "3",
      "--timeout",
      "4s",
      "-o",
      out2,
    ]);
    assert.equal(p.status, 47, p.stderr);
    assert.match(p.stderr, /receipt 2 of 3: \S+ succeeded/);
    assert.match(p.stderr, /PARTIAL_RESULT: 2 of 3 receipts within 4s/);
    assert.equal(readdirSync(out2).length, 2);

    // a group nobody announced: refused before anything is published
    const none = cli([
      "submit",
      job2,
      "--redis",
      redis.url,
      "--group",
      `${group}x`,
      "--wait",
      "--timeout",
      "4s",
    ]);
    assert.equal(none.status, 80, none.stderr);
    assert.match(none.stderr, /HOST_UNKNOWN: no live agent of group/);
  } finally {
    await w.stop();
    await redis.stop();
  }
});
