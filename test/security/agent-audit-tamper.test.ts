// Attack: after the fact, someone with write access to the state dir edits, deletes, inserts, reorders or
// truncates audit rows in state.db with the sqlite3 CLI (to hide a run), or does the same to an exported
// JSON-lines copy, or rebuilds the whole log. Expected: `sigrun audit verify` exits AUDIT_CORRUPT (52) and
// names the problem and the row (or line).
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";
import { cli } from "../kit/spawn-agent.js";
import { sqlite3, sqlite3Missing } from "../kit/sqlite3.js";

async function agentLog(dir: string, jobs: number): Promise<number> {
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: dir,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    checkpointEvery: 5,
  });
  let lastSeq = 0;
  for (let i = 0; i < jobs; i++) {
    const r = await agent.submit({ bytes: await stubBundle([owner]), transport: "test" });
    lastSeq = r.statement.predicate.audit.seq;
  }
  await agent.close();
  return lastSeq;
}

function expectProblem(r: ReturnType<typeof cli>, problem: string, where: RegExp, what: string): void {
  assert.equal(r.status, 52, `${what}: ${r.stderr}`);
  assert.match(r.stderr, /AUDIT_CORRUPT/, what);
  assert.match(r.stderr, new RegExp(`: ${problem}: `), `${what}: ${r.stderr}`);
  assert.match(r.stderr, where, `${what}: ${r.stderr}`);
}

test("agent-audit-tamper: rows edited, deleted, inserted, reordered, truncated with sqlite3 are named", {
  skip: sqlite3Missing,
}, async () => {
  const d = tempDir();
  const lastSeq = await agentLog(d.path, 4);
  const db = join(d.path, "state.db");
  const pub = join(d.path, "host.pub");
  const ok = cli(["audit", "verify", db, "--host-pub", pub, "--json"]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout.toString()).closed, true);
  const finishSeq = Number(sqlite3(db, "SELECT min(seq) FROM audit WHERE type = 'finish';"));

  const cases: [string, RegExp, string, string[]][] = [
    [
      "edited",
      new RegExp(`row ${finishSeq} \\(seq ${finishSeq}\\)`),
      `UPDATE audit SET data = replace(data, '"status":"succeeded"', '"status":"failed"') WHERE seq = ${finishSeq};`,
      [],
    ],
    // an edit whose hash the attacker recomputed is caught at the link to the next row
    ["edited", /row 6 \(seq 6\)/, "UPDATE audit SET hash = printf('%064d', 0) WHERE seq = 6;", []],
    ["deleted", /row 6 \(seq 7\)/, "DELETE FROM audit WHERE seq = 6;", []],
    [
      "inserted",
      /row 7 \(seq 4\)/,
      "UPDATE audit SET pos = pos + 1000000 WHERE pos > 6;" +
        "INSERT INTO audit (pos, seq, v, time, type, data, prev, hash) " +
        "SELECT 7, seq, v, time, type, data, prev, hash FROM audit WHERE seq = 4;",
      [],
    ],
    [
      "reordered",
      /row 5 \(seq 6\)/,
      "UPDATE audit SET pos = -5 WHERE pos = 5; UPDATE audit SET pos = 5 WHERE pos = 6; UPDATE audit SET pos = 6 WHERE pos = -5;",
      [],
    ],
    // rows cut from the end: the table's own counter remembers them
    ["truncated", new RegExp(`row ${lastSeq - 2}`), `DELETE FROM audit WHERE seq >= ${lastSeq - 2};`, []],
    // … and with the counter reset too, the missing final checkpoint gives it away
    [
      "truncated",
      new RegExp(`row ${lastSeq - 2}`),
      `DELETE FROM audit WHERE seq >= ${lastSeq - 2}; UPDATE sqlite_sequence SET seq = ${lastSeq - 3} WHERE name = 'audit';`,
      [],
    ],
    // … and a receipt's audit.seq catches it even without the host key
    [
      "truncated",
      new RegExp(`row ${lastSeq - 2}`),
      `DELETE FROM audit WHERE seq >= ${lastSeq - 2}; UPDATE sqlite_sequence SET seq = ${lastSeq - 3} WHERE name = 'audit';`,
      ["--min-seq", String(lastSeq)],
    ],
    ["malformed", /row 3\b/, "UPDATE audit SET data = '{not json' WHERE seq = 3;", []],
  ];
  for (const [problem, where, sql, extra] of cases) {
    const copy = join(d.path, "tampered.db");
    copyFileSync(db, copy);
    sqlite3(copy, sql);
    const args = extra.length ? extra : ["--host-pub", pub];
    expectProblem(cli(["audit", "verify", copy, ...args]), problem, where, `${problem}: ${sql}`);
  }
  d.cleanup();
});

test("agent-audit-tamper: the same attacks on an exported JSON-lines copy are named", async () => {
  const d = tempDir();
  const lastSeq = await agentLog(d.path, 4);
  const pub = join(d.path, "host.pub");
  const log = join(d.path, "audit.jsonl");
  const exp = cli(["audit", "export", join(d.path, "state.db"), "--jsonl", "-o", log]);
  assert.equal(exp.status, 0, exp.stderr);
  const original = readFileSync(log, "utf8");
  const lines = original.split("\n").slice(0, -1);
  assert.equal(
    lines.length,
    JSON.parse(cli(["audit", "verify", d.path, "--json"]).stdout.toString()).entries,
  );
  const verify = (text: string, extra: string[] = []) => {
    writeFileSync(log, text);
    return cli(["audit", "verify", log, "--host-pub", pub, "--json", ...extra]);
  };
  const ok = verify(original);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout.toString()).ok, true);
  const j = (ls: string[]) => `${ls.join("\n")}\n`;
  const cases: [string, RegExp, string][] = [
    ["edited", /line \d+/, original.replace('"status":"succeeded"', '"status":"failed"')],
    ["deleted", /line 6 \(seq 7\)/, j([...lines.slice(0, 5), ...lines.slice(6)])],
    ["inserted", /line 7 \(seq 4\)/, j([...lines.slice(0, 6), lines[3]!, ...lines.slice(6)])],
    ["reordered", /line 6 \(seq 7\)/, j([...lines.slice(0, 5), lines[6]!, lines[5]!, ...lines.slice(7)])],
    ["truncated", new RegExp(`line ${lastSeq - 2}`), j(lines.slice(0, lastSeq - 3))],
  ];
  for (const [problem, where, text] of cases) expectProblem(verify(text), problem, where, problem);
  // a log rebuilt from scratch with another key: the chain is fine, the checkpoints are not the host's
  const other = join(d.path, "other");
  await agentLog(other, 1);
  const rebuilt = cli(["audit", "export", other, "--jsonl"]);
  expectProblem(verify(rebuilt.stdout.toString()), "checkpoint", /line \d+/, "rebuilt");
  d.cleanup();
});
