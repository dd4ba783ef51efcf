// Attack: a bundle's signed limits mean different things on different paths (issue 17, "one rule for merging
// bundle limits with local ceilings"). `sigrun run job.sgb --max-operations N` replaced the manifest's value,
// so a bundle signed to stop after 2,000 operations ran unbounded locally and was cut short on the agent
// (which took the minimum): a job rehearsed with `run` behaved differently in the fleet, and a flag raised
// what the signer allowed. Expected: one function (`effectiveLimits`, docs/spec/runner.md §10) gives both
// paths the same effective limits for the same bundle and ceilings — the smaller of request and ceiling —
// and the script stops at the same limit on both.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/index.js";
import { createBundle, loadTrustStore, type ManifestLimits, signBundle } from "../../src/bundle/index.js";
import { fileSigner, generateKey, publicKeyPem } from "../../src/keys/index.js";
import { tempDir } from "../kit/agent-fixtures.js";
import { cli } from "../kit/spawn-agent.js";

const enc = (s: string) => new TextEncoder().encode(s);
const LOOP = "let n = 0; for i in 0..100000 { n += 1 } n";

function bundleOf(limits: ManifestLimits): Uint8Array {
  return createBundle({
    files: new Map([
      ["script.rhai", enc(LOOP)],
      ["policy.cedar", enc("permit(principal, action, resource);\n")],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: [],
    created: Date.now() - 1000,
    validForMs: 3_600_000,
    limits,
  });
}

test("run-agent-limit-confusion: `run` flags and the agent's ceilings merge with the manifest the same way", async () => {
  const d = tempDir();
  try {
    const signer = fileSigner(generateKey("ed25519").privateKey);
    mkdirSync(join(d.path, "trusted"));
    writeFileSync(join(d.path, "trusted", "signer.pem"), publicKeyPem(signer.publicKey.keyObject));
    const cases = [
      // the signer asks little, the machine allows much: the request stands (a flag used to raise it)
      {
        name: "ceiling-above",
        asks: { maxOperations: 2000, wallClockMs: 20_000 },
        ceilings: { maxOperations: 100_000_000, wallClockMs: 50_000, memoryMb: 96 },
        want: { wallClockMs: 20_000, memoryMb: 96, maxOperations: 2000 },
        status: "failed",
      },
      // the signer asks much, the machine allows little: the ceiling stands
      {
        name: "ceiling-below",
        asks: { maxOperations: 100_000_000, wallClockMs: 50_000, maxOutputBytes: 1_000_000 },
        ceilings: { maxOperations: 2000, wallClockMs: 20_000, memoryMb: 96, maxOutputBytes: 4096 },
        want: { wallClockMs: 20_000, memoryMb: 96, maxOperations: 2000, maxOutputBytes: 4096 },
        status: "failed",
      },
      // both allow the loop
      {
        name: "both-allow",
        asks: { maxOperations: 100_000_000 },
        ceilings: { maxOperations: 50_000_000, memoryMb: 96 },
        want: { wallClockMs: 60_000, memoryMb: 96, maxOperations: 50_000_000 },
        status: "succeeded",
      },
    ];
    for (const c of cases) {
      const job = join(d.path, `${c.name}.sgb`);
      writeFileSync(job, await signBundle(bundleOf(c.asks), signer));
      const flags = [
        "--max-operations",
        String(c.ceilings.maxOperations),
        "--max-memory-mb",
        String(c.ceilings.memoryMb),
        ...(c.ceilings.wallClockMs ? ["--max-wall-ms", String(c.ceilings.wallClockMs)] : []),
        ...(c.ceilings.maxOutputBytes ? ["--max-output-bytes", String(c.ceilings.maxOutputBytes)] : []),
      ];
      const local = cli([
        "run",
        job,
        "--trust",
        join(d.path, "trusted"),
        "--any-host",
        "--explain",
        ...flags,
      ]);
      assert.equal(local.status, 0, local.stderr);
      const out = JSON.parse(local.stdout.toString());
      assert.deepEqual(out.sigrun_explain.limits, c.want, `run: ${c.name}`);
      assert.equal(out.status, c.status === "succeeded" ? "SUCCESS" : "ERROR", `run: ${c.name}`);

      // the agent, its config's `limits` being the same ceilings, runs it with the real runner
      const agent = await Agent.start({
        stateDir: join(d.path, `state-${c.name}`),
        hostId: "h1",
        trust: loadTrustStore([join(d.path, "trusted")]),
        workers: 1,
        limits: c.ceilings,
      });
      try {
        const r = await agent.submit({ bytes: new Uint8Array(readFileSync(job)), transport: "test" });
        assert.equal(r.status, c.status, `agent: ${c.name}`);
        const stdout = r.statement.subject.find((s) => s.name === "stdout");
        assert.ok(stdout);
        const rex = JSON.parse(readFileSync(agent.jobs.blobPath(stdout.digest.sha256), "utf8"));
        assert.deepEqual(rex.sigrun_explain.limits, c.want, `agent: ${c.name}`);
        assert.equal(rex.sigrun_explain.code, out.sigrun_explain.code, `same outcome: ${c.name}`);
        if (c.status === "failed") assert.equal(r.errorCode, "LIMIT_EXCEEDED");
      } finally {
        await agent.close();
      }
    }
  } finally {
    d.cleanup();
  }
});
