import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { stubBundle } from "../../../test/kit/agent-fixtures.js";
import { fleetWorld } from "../../../test/kit/fleet-world.js";
import { natsUnavailable, startNats } from "../../../test/kit/nats.js";
import { cli } from "../../../test/kit/spawn-agent.js";
import { fileSigner, generateKey, publicKeyPem } from "../../keys/index.js";
import { HEARTBEAT_TYPE, signHeartbeat } from "../heartbeat.js";
import { readReceiptUnverified } from "../receipt.js";
import { natsSubjects } from "../transports/nats.js";

const skip = process.env.CI ? undefined : natsUnavailable();

/** Publishes a heartbeat for `host` signed by a key that is not the host's (what a publisher could forge). */
async function forgeHeartbeat(url: string, host: string, group: string): Promise<void> {
  const nats = await import("@nats-io/transport-node");
  const jsmod = await import("@nats-io/jetstream");
  const nc = await nats.connect({ servers: url });
  const signer = fileSigner(generateKey("ed25519").privateKey);
  const now = new Date().toISOString();
  const env = await signHeartbeat(
    {
      type: HEARTBEAT_TYPE,
      host: { id: host, keyId: signer.publicKey.keyId, groups: [group] },
      agent: { version: "9.9.9" },
      transport: "nats",
      state: "running",
      startedAt: now,
      lastSeen: now,
      intervalMs: 30_000,
    },
    signer,
  );
  await jsmod.jetstream(nc).publish(natsSubjects().fleetHost(host), env);
  await nc.close();
}

test("fleet over NATS: heartbeats listed and verified, submit --group --wait without --count, partial, replay", {
  skip,
}, async () => {
  const nats = await startNats();
  const w = await fleetWorld(["--nats", nats.url], ["a1", "a2"]).catch(async (err) => {
    await nats.stop();
    throw err;
  });
  const { owner, group, keys } = w;
  const a = w.hostId;
  const d = { path: w.dir };
  try {
    // 1. fleet ls: both agents, verified with their host keys; a forged entry is marked, never verified
    await forgeHeartbeat(nats.url, a("a3"), group); // a key for a3 is given: BAD-SIGNATURE
    writeFileSync(join(keys, `${a("a3")}.pub`), publicKeyPem(generateKey("ed25519").publicKey));
    await forgeHeartbeat(nats.url, a("a4"), group); // no key for a4: unverified
    const ls = cli(["fleet", "ls", "--nats", nats.url, "--group", group, "--host-keys", keys, "--json"]);
    assert.equal(ls.status, 0, ls.stderr);
    const listed = JSON.parse(ls.stdout.toString()) as {
      version: number;
      hosts: { host: string; signature: string; live: boolean; groups: string[]; agentVersion: string }[];
    };
    assert.equal(listed.version, 1);
    assert.deepEqual(
      listed.hosts.map((h) => [h.host, h.signature, h.live]),
      [
        [a("a1"), "verified", true],
        [a("a2"), "verified", true],
        [a("a3"), "bad-signature", true],
        [a("a4"), "unverified", true],
      ],
    );
    const pkg = JSON.parse(readFileSync(new URL("../../../../package.json", import.meta.url), "utf8"));
    assert.equal(listed.hosts[0]!.agentVersion, pkg.version);
    assert.deepEqual(listed.hosts[0]!.groups, [group]);
    const text = cli(["fleet", "ls", "--nats", nats.url, "--group", group]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout.toString(),
      new RegExp(`${a("a1")}\\s+${group}\\s+\\S+\\s+\\d+s ago\\s+live\\s+unverified`),
    );

    const job = join(d.path, "job.sgb");
    writeFileSync(
      job,
      await stubBundle([owner], { op: { op: "echo", value: "hi" }, targets: [`group:${group}`] }),
    );
    // 2. no --count: wait for the live members whose heartbeat verifies (a1, a2; never a3, not a4)
    const out = join(d.path, "receipts");
    mkdirSync(out);
    const t0 = Date.now();
    const r = cli([
      "submit",
      job,
      "--nats",
      nats.url,
      "--group",
      group,
      "--wait",
      "--host-keys",
      keys,
      "--timeout",
      "30s",
      "-o",
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`waiting for 2 live members of group ${group}: ${a("a1")}, ${a("a2")}`),
    );
    assert.match(r.stderr, /receipt 1 of 2: \S+ succeeded \(waiting for \S+\)/);
    assert.match(r.stderr, /receipt 2 of 2: \S+ succeeded\n/);
    assert.deepEqual(readdirSync(out).sort(), [`${a("a1")}.receipt.json`, `${a("a2")}.receipt.json`]);
    assert.ok(Date.now() - t0 < 25_000, "finished when both members answered, not at the timeout");

    // 3. re-submitted: JetStream drops the copy; the receipts issued earlier come back at once (exit REPLAY)
    const out2 = join(d.path, "receipts2");
    mkdirSync(out2);
    const t1 = Date.now();
    const again = cli([
      "submit",
      job,
      "--nats",
      nats.url,
      "--group",
      group,
      "--wait",
      "--host-keys",
      keys,
      "--timeout",
      "60s",
      "-o",
      out2,
      "--json",
    ]);
    assert.equal(again.status, 50, again.stderr);
    assert.ok(Date.now() - t1 < 20_000, "answered without waiting for the timeout");
    assert.match(again.stderr, /REPLAY: nats: JetStream already holds this bundle.*the 2 receipt\(s\) above/);
    const j = JSON.parse(again.stdout.toString()) as {
      duplicate: boolean;
      verified: boolean;
      receipts: { host: string }[];
    };
    assert.equal(j.duplicate, true);
    assert.equal(j.verified, true, "--host-keys: each receipt verified with its own host's key");
    assert.deepEqual(j.receipts.map((x) => x.host).sort(), [a("a1"), a("a2")]);
    for (const h of ["a1", "a2"])
      assert.deepEqual(
        readFileSync(join(out2, `${a(h)}.receipt.json`)),
        readFileSync(join(out, `${a(h)}.receipt.json`)),
        "the earlier receipt itself",
      );

    const text2 = cli(["submit", job, "--nats", nats.url, "--group", group, "--wait", "--host-keys", keys]);
    assert.equal(text2.status, 50, text2.stderr);
    assert.match(text2.stderr, /already submitted \(JetStream stored it at \S+Z\): 2 earlier receipt\(s\)\n/);
    assert.doesNotMatch(text2.stdout.toString(), /NOT verified/);
    // a key that is not the host's: the receipt does not verify (exit 51), it is not silently accepted
    const wrongKeys = join(d.path, "wrong-keys");
    mkdirSync(wrongKeys);
    for (const h of ["a1", "a2"])
      writeFileSync(
        join(wrongKeys, `${a(h)}.pub`),
        readFileSync(join(keys, `${a(h === "a1" ? "a2" : "a1")}.pub`)),
      );
    const forged = cli([
      "submit",
      job,
      "--nats",
      nats.url,
      "--group",
      group,
      "--wait",
      "--count",
      "2",
      "--host-keys",
      wrongKeys,
    ]);
    assert.equal(forged.status, 51, forged.stderr);
    assert.match(forged.stderr, /RECEIPT_INVALID/);

    // 4. without --host-keys nothing can be verified: the forged a3 and a4 are expected too and never
    //    answer → partial, naming them
    const job2 = join(d.path, "job2.sgb");
    writeFileSync(
      job2,
      await stubBundle([owner], { op: { op: "echo", value: "2" }, targets: [`group:${group}`] }),
    );
    const out3 = join(d.path, "receipts3");
    mkdirSync(out3);
    const p = cli([
      "submit",
      job2,
      "--nats",
      nats.url,
      "--group",
      group,
      "--wait",
      "--timeout",
      "4s",
      "-o",
      out3,
    ]);
    assert.equal(p.status, 47, p.stderr);
    assert.match(
      p.stderr,
      new RegExp(
        `waiting for 4 live members of group ${group}: ${a("a1")}, ${a("a2")}, ${a("a3")}, ${a("a4")}`,
      ),
    );
    assert.match(
      p.stderr,
      new RegExp(`PARTIAL_RESULT: 2 of 4 receipts within 4s \\(no answer from ${a("a3")}, ${a("a4")};`),
    );
    assert.equal(readdirSync(out3).length, 2);
    assert.match(
      p.stdout.toString(),
      /^receipt signature NOT verified \(give --host-pub or --host-keys to verify it\)$/m,
    );

    // 5. --count still works: 3 expected, two members answer
    const job3 = join(d.path, "job3.sgb");
    writeFileSync(
      job3,
      await stubBundle([owner], { op: { op: "echo", value: "3" }, targets: [`group:${group}`] }),
    );
    const c = cli([
      "submit",
      job3,
      "--nats",
      nats.url,
      "--group",
      group,
      "--wait",
      "--count",
      "3",
      "--timeout",
      "4s",
    ]);
    assert.equal(c.status, 47, c.stderr);
    assert.match(c.stderr, /receipt 2 of 3: \S+ succeeded/);

    // 6. a stopped agent says so: listed as stopped, no longer expected
    await w.agents[1]!.stop();
    const after = JSON.parse(
      cli(["fleet", "ls", "--nats", nats.url, "--group", group, "--json"]).stdout.toString(),
    ) as { hosts: { host: string; state: string; live: boolean }[] };
    const a2 = after.hosts.find((h) => h.host === a("a2"))!;
    assert.deepEqual([a2.state, a2.live], ["stopped", false]);
    assert.equal(
      readReceiptUnverified(readFileSync(join(out, `${a("a1")}.receipt.json`))).predicate.host.id,
      a("a1"),
    );
  } finally {
    await w.stop();
    await nats.stop();
  }
});
