// Attack: after the fact, someone with write access to the state dir edits, deletes, inserts, reorders or
// truncates audit entries (to hide a run), or rebuilds the whole log. Expected: `sigrun audit verify`
// exits AUDIT_CORRUPT (52) and names the problem; with --min-seq from a receipt, truncation is caught.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../../src/agent/testing/fixtures.js";
import { cli } from "../../src/agent/testing/spawn-agent.js";

test("agent-audit-tamper: edits, deletions, insertions, reordering and truncation are detected", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: d.path,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    checkpointEvery: 5,
  });
  let lastSeq = 0;
  for (let i = 0; i < 4; i++) {
    const r = await agent.submit({ bytes: await stubBundle([owner]), transport: "test" });
    lastSeq = r.statement.predicate.audit.seq;
  }
  await agent.close();
  const log = join(d.path, "audit.log");
  const pub = join(d.path, "host.pub");
  const original = readFileSync(log, "utf8");
  const lines = original.split("\n").slice(0, -1);
  const verify = (text: string, extra: string[] = []) => {
    writeFileSync(log, text);
    return cli(["audit", "verify", log, "--host-pub", pub, "--json", ...extra]);
  };
  const ok = verify(original);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout.toString()).ok, true);

  const cases: [string, string, string[]][] = [
    ["edited", original.replace('"status":"succeeded"', '"status":"failed"'), []],
    ["deleted", `${[...lines.slice(0, 6), ...lines.slice(7)].join("\n")}\n`, []],
    ["inserted", `${[...lines.slice(0, 6), lines[3]!, ...lines.slice(6)].join("\n")}\n`, []],
    ["reordered", `${[...lines.slice(0, 5), lines[6]!, lines[5]!, ...lines.slice(7)].join("\n")}\n`, []],
    ["truncated", `${lines.slice(0, lastSeq - 3).join("\n")}\n`, ["--min-seq", String(lastSeq)]],
  ];
  for (const [problem, text, extra] of cases) {
    const r = verify(text, extra);
    assert.equal(r.status, 52, `${problem}: ${r.stderr}`);
    assert.match(r.stderr, /AUDIT_CORRUPT/);
    assert.match(r.stderr, new RegExp(problem));
  }
  // a log rebuilt from scratch with another key: the chain is fine, the checkpoints are not the host's
  const other = join(d.path, "other");
  const forger = await Agent.start({
    stateDir: other,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    checkpointEvery: 5,
  });
  await forger.close();
  const rebuilt = verify(readFileSync(join(other, "audit.log"), "utf8"));
  assert.equal(rebuilt.status, 52);
  assert.match(rebuilt.stderr, /checkpoint/);
  d.cleanup();
});
