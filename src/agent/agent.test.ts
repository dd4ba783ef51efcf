import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../../test/kit/agent-fixtures.js";
import { spawnAgent } from "../../test/kit/spawn-agent.js";
import { verifyAudit } from "../audit/index.js";
import { isSigrunError } from "../core/index.js";
import { publicKeyPem } from "../keys/index.js";
import { Agent } from "./agent.js";
import { listJobs } from "./job-store.js";
import { verifyReceipt } from "./receipt.js";
import { openAgentStateReadOnly } from "./state-db.js";

test("agent: a signed bundle runs and yields a verifiable receipt; replay and rejections get receipts", async () => {
  const dir = tempDir();
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: dir.path,
    hostId: "web-1",
    groups: ["web"],
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
  });
  try {
    const bytes = await stubBundle([owner], { op: { op: "write", value: "data" }, targets: ["group:web"] });
    const r = await agent.submit({ bytes, transport: "test" });
    assert.equal(r.status, "succeeded");
    const st = verifyReceipt(r.receipt, agent.identity.publicKey);
    assert.equal(st.predicate.status, "succeeded");
    assert.equal(st.predicate.result?.value, "written");
    assert.equal(st.predicate.attestation.type, "none");
    assert.deepEqual(st.predicate.bundle?.signers, [owner.publicKey.keyId]);
    assert.ok(st.subject.some((s) => s.name === "outputs/out.txt"));
    assert.ok(st.subject.some((s) => s.name === "manifest.json"));
    assert.ok(st.predicate.audit.seq > 0);

    const again = await agent.submit({ bytes, transport: "test" });
    assert.equal(again.status, "rejected");
    assert.equal(again.errorCode, "REPLAY");
    assert.equal(verifyReceipt(again.receipt, agent.identity.publicKey).predicate.error?.code, "REPLAY");

    const stranger = ownerKey();
    const untrusted = await agent.submit({ bytes: await stubBundle([stranger]), transport: "test" });
    assert.equal(untrusted.errorCode, "SIGNER_UNTRUSTED");
    const wrong = await agent.submit({
      bytes: await stubBundle([owner], { targets: ["db-1"] }),
      transport: "test",
    });
    assert.equal(wrong.errorCode, "WRONG_TARGET");
    const expired = await agent.submit({
      bytes: await stubBundle([owner], { created: Date.now() - 7_200_000, validForMs: 3_600_000 }),
      transport: "test",
    });
    assert.equal(expired.errorCode, "EXPIRED");
    const garbage = await agent.submit({
      bytes: new Uint8Array(Buffer.from("not a bundle")),
      transport: "test",
    });
    assert.equal(garbage.errorCode, "BUNDLE_MALFORMED");
    const big = await agent.submit({ bytes: new Uint8Array(0), tooLarge: true, transport: "test" });
    assert.equal(big.errorCode, "TOO_LARGE");
    const failed = await agent.submit({
      bytes: await stubBundle([owner], { op: { op: "fail" } }),
      transport: "test",
    });
    assert.equal(failed.status, "failed");
    assert.equal(failed.errorCode, "SCRIPT_ERROR");
  } finally {
    await agent.close();
  }
  const report = verifyAudit(join(dir.path, "state.db"), { hostPub: agent.identity.publicKey });
  assert.ok(report.entries > 10);
  assert.ok(report.checkpoints >= 1);
  assert.equal(report.unsignedTail, 0);
  assert.equal(report.closed, true);
  assert.ok(!existsSync(join(dir.path, "agent.lock")));
  assert.equal(readFileSync(join(dir.path, "host.pub"), "utf8"), agent.identity.publicKeyPem);
  dir.cleanup();
});

test("agent: crash, loop and memory exhaustion stay in their worker", async () => {
  const dir = tempDir();
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: dir.path,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    // generous wall clock: on a loaded machine filling 64 MiB can take seconds, and the memory limit
    // (not the deadline) is what this test is about; the loop bundle asks for 300 ms itself.
    limits: { wallClockMs: 15_000, memoryMb: 64 },
  });
  try {
    const loop = await agent.submit({
      bytes: await stubBundle([owner], { op: { op: "loop" }, limits: { wallClockMs: 300 } }),
      transport: "t",
    });
    assert.equal(loop.errorCode, "TIMEOUT");
    const oom = await agent.submit({
      bytes: await stubBundle([owner], { op: { op: "oom" } }),
      transport: "t",
    });
    assert.equal(oom.status, "failed");
    assert.ok(oom.errorCode === "LIMIT_EXCEEDED" || oom.errorCode === "RUNNER_ERROR", String(oom.errorCode));
    const thrown = await agent.submit({
      bytes: await stubBundle([owner], { op: { op: "throw" } }),
      transport: "t",
    });
    assert.equal(thrown.errorCode, "RUNNER_ERROR");
    const exit = await agent.submit({
      bytes: await stubBundle([owner], { op: { op: "exit" } }),
      transport: "t",
    });
    assert.equal(exit.errorCode, "RUNNER_ERROR");
    const ok = await agent.submit({ bytes: await stubBundle([owner]), transport: "t" });
    assert.equal(ok.status, "succeeded");
  } finally {
    await agent.close();
    dir.cleanup();
  }
});

test("agent: the real runner (Rhai + Cedar) runs a bundle in a worker", async () => {
  const dir = tempDir();
  const owner = ownerKey();
  const agent = await Agent.start({ stateDir: dir.path, hostId: "h1", trust: trustOf(owner) });
  try {
    const { createBundle, signBundle } = await import("../bundle/index.js");
    const make = (script: string) =>
      signBundle(
        createBundle({
          files: new Map([
            ["script.rhai", new Uint8Array(Buffer.from(script))],
            ["policy.cedar", new Uint8Array(Buffer.from("permit(principal, action, resource);\n"))],
          ]),
          entry: "script.rhai",
          policy: "policy.cedar",
          created: Date.now() - 1000,
          validForMs: 60_000,
        }),
        owner,
      );
    const ok = await agent.submit({ bytes: await make("let x = 40 + 2;\nx\n"), transport: "t" });
    assert.equal(ok.status, "succeeded", JSON.stringify(ok.statement.predicate.error));
    assert.equal(ok.statement.predicate.result?.value, "42");
    const bad = await agent.submit({ bytes: await make('throw "nope";\n'), transport: "t" });
    assert.equal(bad.status, "failed");
    assert.equal(bad.statement.predicate.error?.type, "SCRIPT_EXCEPTION");
  } finally {
    await agent.close();
    dir.cleanup();
  }
});

test("agent: one agent per state dir; the database stays readable while it runs", async () => {
  const dir = tempDir();
  const owner = ownerKey();
  writeFileSync(join(dir.path, "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const state = join(dir.path, "state");
  const a = await spawnAgent([
    "--trust",
    join(dir.path, "owner.pem"),
    "--state",
    state,
    "--host-id",
    "h1",
    "--http",
    "127.0.0.1:0",
  ]);
  try {
    await assert.rejects(
      Agent.start({ stateDir: state, hostId: "h1", trust: trustOf(owner), runnerModule: STUB_RUNNER }),
      (err) => isSigrunError(err, "IO_ERROR") && /in use by agent pid/.test(err.message),
    );
    const res = await fetch(`${a.url}/execute`, { method: "POST", body: await stubBundle([owner]) });
    assert.equal(res.status, 200);
    // read-only openers (audit verify, the jobs query) while the agent holds the database
    const live = verifyAudit(join(state, "state.db"), { open: true });
    assert.equal(live.closed, false);
    assert.ok(live.entries >= 1);
    const ro = openAgentStateReadOnly(state);
    try {
      const jobs = listJobs(ro, { status: "succeeded", since: 0, limit: 10 });
      assert.equal(jobs.length, 1);
      assert.ok(jobs[0]!.hasReceipt);
    } finally {
      ro.close();
    }
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
  }
  const agent = await Agent.start({
    stateDir: state,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
  });
  try {
    await agent.submit({ bytes: await stubBundle([owner]), transport: "t" });
    const rows = agent.jobs.list({ status: "succeeded" });
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.auditSeq !== null && rows[0]!.hasReceipt);
  } finally {
    await agent.close();
    dir.cleanup();
  }
});

test("agent: each run gets effectiveLimits(manifest, config limits); a ceiling of 0 is refused at start", async () => {
  const dir = tempDir();
  const owner = ownerKey();
  const seen: unknown[] = [];
  const agent = await Agent.start({
    stateDir: dir.path,
    hostId: "h1",
    trust: trustOf(owner),
    limits: { maxOperations: 5000, wallClockMs: 20_000, memoryMb: 96 },
    run: async (req) => {
      seen.push(req.invocation.limits);
      return { kind: "ok", output: { output: "1", status: "SUCCESS" } };
    },
  });
  try {
    // asks above the ceilings: lowered; asks below: kept
    await agent.submit({
      bytes: await stubBundle([owner], {
        limits: { maxOperations: 1e8, wallClockMs: 50_000, maxOutputBytes: 64 },
      }),
      transport: "t",
    });
    await agent.submit({
      bytes: await stubBundle([owner], { limits: { maxOperations: 100, wallClockMs: 300 } }),
      transport: "t",
    });
    await agent.submit({ bytes: await stubBundle([owner]), transport: "t" });
    assert.deepEqual(seen, [
      { wallClockMs: 20_000, memoryMb: 96, maxOperations: 5000, maxOutputBytes: 64 },
      { wallClockMs: 300, memoryMb: 96, maxOperations: 100 },
      { wallClockMs: 20_000, memoryMb: 96, maxOperations: 5000 },
    ]);
  } finally {
    await agent.close();
  }
  await assert.rejects(
    Agent.start({ stateDir: dir.path, hostId: "h1", trust: trustOf(owner), limits: { maxOperations: 0 } }),
    (e: unknown) => isSigrunError(e) && e.code === "USAGE" && /maxOperations/.test(e.message),
  );
  dir.cleanup();
});
