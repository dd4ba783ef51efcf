// Attack (issue 14, item 9): someone with write access to the agent's state edits an audit entry (to hide
// what a job did), recomputes the unkeyed SHA-256 chain after it and drops the signed checkpoints that no
// longer match; or simply cuts the end of the log. Expected: `sigrun audit verify --host-pub` refuses both
// (checkpoints must cover the chain at the writer's cadence, a cleanly stopped log must end with a final
// checkpoint) and names the problem; entries after the last checkpoint are reported as unprotected.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { canonicalJson } from "../../src/core/index.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";
import { cli } from "../kit/spawn-agent.js";
import { sqlite3, sqlite3Missing } from "../kit/sqlite3.js";

interface Line {
  v: number;
  seq: number;
  time: number;
  type: string;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
}

/** What the attacker's own tool does: renumber, relink and rehash every entry (no key needed). */
function rechain(entries: Line[]): Line[] {
  let prev = "0".repeat(64);
  return entries.map((e, i) => {
    const body = { v: e.v, seq: i + 1, time: e.time, type: e.type, data: e.data, prev };
    const hash = createHash("sha256").update(canonicalJson(body)).digest("hex");
    prev = hash;
    return { ...body, hash };
  });
}

const toText = (es: Line[]) => es.map((e) => `${canonicalJson(e)}\n`).join("");

async function agentState(dir: string): Promise<void> {
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: dir,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    checkpointEvery: 5,
  });
  for (let i = 0; i < 6; i++) await agent.submit({ bytes: await stubBundle([owner]), transport: "test" });
  await agent.close();
}

/** The log as JSON lines: an export of state.db (or the JSON-lines file of sigrun before state.db). */
function jsonlOf(dir: string): Line[] {
  const text = existsSync(join(dir, "state.db"))
    ? cli(["audit", "export", join(dir, "state.db"), "--jsonl"]).stdout.toString()
    : readFileSync(join(dir, "audit.log"), "utf8");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Line);
}

function verify(file: string, pub: string, extra: string[] = []) {
  const r = cli(["audit", "verify", file, "--host-pub", pub, "--json", ...extra]);
  return { ...r, report: r.status === 0 ? JSON.parse(r.stdout.toString()) : undefined };
}

test("audit-history-rewrite: an edited entry with a recomputed chain and dropped checkpoints is refused", async () => {
  const d = tempDir();
  await agentState(d.path);
  const pub = join(d.path, "host.pub");
  const entries = jsonlOf(d.path);
  const finish = entries.find((e) => e.type === "finish")!;
  assert.equal(finish.data.status, "succeeded");
  const forged = rechain(
    entries
      .filter((e) => e.type !== "checkpoint")
      .map((e) => (e === finish ? { ...e, data: { ...e.data, status: "failed", code: "SCRIPT_ERROR" } } : e)),
  );
  const file = join(d.path, "forged.jsonl");
  writeFileSync(file, toText(forged));
  const r = verify(file, pub);
  assert.equal(r.status, 52, `a rewritten history must not verify: ${r.stdout}`);
  assert.match(r.stderr, /AUDIT_CORRUPT: audit log line \d+ \(seq \d+\): checkpoint-missing: /);
  // keeping the checkpoints before the edit does not help: the chain after it has none at the cadence
  const at = entries.indexOf(finish);
  const kept = entries.filter((e, i) => i < at || e.type !== "checkpoint");
  writeFileSync(
    file,
    toText(rechain(kept.map((e) => (e === finish ? { ...e, data: { ...e.data, status: "failed" } } : e)))),
  );
  const r2 = verify(file, pub);
  assert.equal(r2.status, 52, r2.stdout.toString());
  assert.match(r2.stderr, /checkpoint-missing|checkpoint: /);
  d.cleanup();
});

test("audit-history-rewrite: a truncated log is refused; an open log reports its unprotected tail", async () => {
  const d = tempDir();
  await agentState(d.path);
  const pub = join(d.path, "host.pub");
  const entries = jsonlOf(d.path);
  const file = join(d.path, "cut.jsonl");
  writeFileSync(file, toText(entries));
  assert.equal(verify(file, pub).status, 0, "the untouched copy verifies");
  // cut the final checkpoint and the stop entry, or everything after some job
  for (const keep of [entries.length - 1, entries.length - 2, entries.length - 9]) {
    writeFileSync(file, toText(entries.slice(0, keep)));
    const r = verify(file, pub);
    assert.equal(r.status, 52, `cut to ${keep} of ${entries.length} entries must not verify`);
    assert.match(r.stderr, /: truncated: .*final checkpoint/);
  }
  // a live writer's log (--open): accepted, and the entries after the last checkpoint are named unprotected
  const lastCp = entries.slice(0, entries.length - 9).findLastIndex((e) => e.type === "checkpoint");
  writeFileSync(file, toText(entries.slice(0, entries.length - 9)));
  const open = verify(file, pub, ["--open"]);
  assert.equal(open.status, 0, open.stderr);
  assert.equal(open.report.unsignedTail, entries.length - 9 - (lastCp + 1));
  assert.equal(open.report.closed, false);
  d.cleanup();
});

test("audit-history-rewrite: the same rewrite inside state.db (sqlite3) is refused", {
  skip: sqlite3Missing,
}, async () => {
  const d = tempDir();
  await agentState(d.path);
  const pub = join(d.path, "host.pub");
  const db = join(d.path, "state.db");
  if (!existsSync(db)) assert.fail("no state.db: the agent keeps its audit chain in SQLite");
  const entries = jsonlOf(d.path);
  const finish = entries.find((e) => e.type === "finish")!;
  const forged = rechain(
    entries
      .filter((e) => e.type !== "checkpoint")
      .map((e) => (e === finish ? { ...e, data: { ...e.data, status: "failed" } } : e)),
  );
  const copy = join(d.path, "forged.db");
  copyFileSync(db, copy);
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  sqlite3(
    copy,
    "BEGIN; DELETE FROM audit;" +
      forged
        .map(
          (e) =>
            `INSERT INTO audit (pos, seq, v, time, type, data, prev, hash) VALUES (${e.seq}, ${e.seq}, ${e.v}, ${e.time}, ${q(e.type)}, ${q(canonicalJson(e.data))}, ${q(e.prev)}, ${q(e.hash)});`,
        )
        .join("") +
      `UPDATE sqlite_sequence SET seq = ${forged.length} WHERE name = 'audit'; COMMIT;`,
  );
  const r = verify(copy, pub);
  assert.equal(r.status, 52, r.stdout.toString());
  assert.match(r.stderr, /audit log row \d+ \(seq \d+\): checkpoint-missing: /);
  d.cleanup();
});
