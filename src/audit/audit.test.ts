import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { isSigrunError } from "../core/index.js";
import { fileSigner, generateKey } from "../keys/index.js";
import {
  AuditLog,
  encodeEntry,
  exportJsonl,
  makeEntryForTest,
  openDatabase,
  readAuditEntries,
  verifyAudit,
  verifyAuditText,
} from "./testing.js";

function problemOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(isSigrunError(err, "AUDIT_CORRUPT"), String(err));
    return (err.details as { problem: string }).problem;
  }
  return undefined;
}

async function makeLog(n: number, checkpointEvery = 4) {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-audit-"));
  const signer = fileSigner(generateKey("ed25519").privateKey);
  const path = join(dir, "audit.db");
  const log = await AuditLog.open(path, { signer, host: "h1", checkpointEvery });
  for (let i = 0; i < n; i++) await log.append("intake", { job: `j${i}`, n: i });
  await log.close();
  const jsonl = () => [...exportJsonl(path)].join("");
  return { dir, path, signer, jsonl, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test("audit: a written log verifies, with signed checkpoints, and closes with a final one", async () => {
  const l = await makeLog(10);
  const pub = { hostPub: l.signer.publicKey };
  const r = verifyAudit(l.path, pub);
  // after the first append (1), every 4 entries (5, 9), final at close
  assert.equal(r.checkpoints, 4);
  assert.equal(r.unsignedTail, 0);
  assert.equal(r.closed, true);
  assert.equal(r.checkpointEvery, 4);
  assert.equal(r.format, "sqlite");
  // reopen continues the chain; the first append after open is checkpointed at once
  const log = await AuditLog.open(l.path, { signer: l.signer, host: "h1", checkpointEvery: 50 });
  const e = await log.append("intake", { job: "more" });
  assert.equal(e.seq, r.seq + 1);
  assert.equal(verifyAudit(l.path, { ...pub, open: true }).unsignedTail, 0);
  await log.close();
  const r2 = verifyAudit(l.path, pub);
  assert.equal(r2.seq, r.seq + 3);
  assert.equal(r2.checkpointEvery, 50);
  // opening and closing a closed log without appending writes nothing
  await (await AuditLog.open(l.path, { signer: l.signer, host: "h1" })).close();
  assert.equal(verifyAudit(l.path, pub).seq, r2.seq);
  // the JSON-lines export verifies the same
  const t = verifyAuditText(l.jsonl(), pub);
  assert.deepEqual({ ...t, format: "sqlite", tornTail: false }, r2);
  l.cleanup();
});

test("audit: edited, deleted, inserted, reordered and truncated JSON lines are named", async () => {
  const l = await makeLog(8, 100);
  const text = l.jsonl();
  const lines = text.split("\n").slice(0, -1);
  const join_ = (ls: string[]) => `${ls.join("\n")}\n`;
  assert.equal(
    problemOf(() => verifyAuditText(text)),
    undefined,
  );
  assert.equal(
    problemOf(() => verifyAuditText(text.replace('"job":"j3"', '"job":"jX"'))),
    "edited",
  );
  assert.equal(
    problemOf(() => verifyAuditText(join_([...lines.slice(0, 3), ...lines.slice(4)]))),
    "deleted",
  );
  assert.equal(
    problemOf(() => verifyAuditText(join_([...lines.slice(0, 3), lines[1]!, ...lines.slice(3)]))),
    "inserted",
  );
  const swapped = [...lines];
  [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
  assert.equal(
    problemOf(() => verifyAuditText(join_(swapped))),
    "reordered",
  );
  assert.equal(
    problemOf(() => verifyAuditText(join_(lines.slice(0, 5)), { minSeq: 8 })),
    "truncated",
  );
  // with the key, a cut log is caught without knowing a later seq: it lacks the final checkpoint
  assert.equal(
    problemOf(() => verifyAuditText(join_(lines.slice(0, 5)), { hostPub: l.signer.publicKey })),
    "truncated",
  );
  assert.equal(
    problemOf(() => verifyAuditText(join_([...lines.slice(0, 2), "{not json", ...lines.slice(2)]))),
    "malformed",
  );
  l.cleanup();
});

test("audit: a rewritten chain fails the checkpoint signature", async () => {
  const l = await makeLog(6, 3);
  const other = fileSigner(generateKey("ed25519").privateKey);
  const forged = join(l.dir, "forged.db");
  const log = await AuditLog.open(forged, { signer: other, host: "h1", checkpointEvery: 3 });
  for (let i = 0; i < 6; i++) await log.append("intake", { job: `j${i}`, n: i });
  await log.close();
  assert.equal(
    problemOf(() => verifyAudit(forged)),
    undefined,
  );
  assert.equal(
    problemOf(() => verifyAudit(forged, { hostPub: l.signer.publicKey })),
    "checkpoint",
  );
  l.cleanup();
});

test("audit: a log left open by a crash gets a recovery entry and a checkpoint at the next open", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-audit-"));
  const signer = fileSigner(generateKey("ed25519").privateKey);
  const path = join(dir, "a.db");
  const log = await AuditLog.open(path, { signer, host: "h1", checkpointEvery: 10 });
  for (let i = 0; i < 4; i++) await log.append("intake", { n: i });
  // no close(): the process "dies" here; its connection is dropped
  log.db.close();
  assert.equal(verifyAudit(path, { hostPub: signer.publicKey, open: true }).unsignedTail, 3);
  assert.equal(
    problemOf(() => verifyAudit(path, { hostPub: signer.publicKey })),
    "truncated",
  );
  const again = await AuditLog.open(path, { signer, host: "h1", checkpointEvery: 10 });
  await again.close();
  const entries = readAuditEntries(path);
  const rec = entries.find((e) => e.type === "recovery");
  assert.deepEqual(rec?.data, { after: 5, unprotected: 3 });
  assert.equal(verifyAudit(path, { hostPub: signer.publicKey }).closed, true);
  rmSync(dir, { recursive: true, force: true });
});

test("audit: a transaction commits its own rows and its entries together, or nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-audit-"));
  const signer = fileSigner(generateKey("ed25519").privateKey);
  const db = openDatabase(join(dir, "state.db"));
  db.exec("CREATE TABLE t (id TEXT PRIMARY KEY)");
  const log = await AuditLog.attach(db, { signer, host: "h1" });
  await log.transaction((tx) => {
    tx.db.prepare("INSERT INTO t VALUES ('a')").run();
    tx.append("run", { id: "a" });
  });
  await assert.rejects(
    log.transaction((tx) => {
      tx.db.prepare("INSERT INTO t VALUES ('b')").run();
      tx.append("run", { id: "b" });
      tx.db.prepare("INSERT INTO t VALUES ('a')").run(); // constraint violation: all of it rolls back
    }),
  );
  assert.deepEqual(
    db
      .prepare("SELECT id FROM t")
      .all()
      .map((r) => r.id),
    ["a"],
  );
  const e = await log.append("run", { id: "c" });
  assert.equal(e.seq, 3); // run a, its checkpoint, run c
  await log.close();
  db.close();
  assert.equal(verifyAudit(join(dir, "state.db"), { hostPub: signer.publicKey }).entries, 4);
  rmSync(dir, { recursive: true, force: true });
});

test("audit: two processes' writers may share one log file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-audit-"));
  const signer = fileSigner(generateKey("ed25519").privateKey);
  const path = join(dir, "shared.db");
  const a = await AuditLog.open(path, { signer, host: "h1", checkpointEvery: 3 });
  const b = await AuditLog.open(path, { signer, host: "h1", checkpointEvery: 3 });
  await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append("intake", { n: i })));
  await a.close();
  await b.close();
  const r = verifyAudit(path, { hostPub: signer.publicKey });
  assert.equal(r.closed, true);
  assert.equal(readAuditEntries(path).filter((e) => e.type === "intake").length, 20);
  rmSync(dir, { recursive: true, force: true });
});

test("audit: a checkpoint missing where the cadence requires one is named", async () => {
  const l = await makeLog(20, 4);
  const lines = l.jsonl().split("\n").slice(0, -1);
  // rebuild the chain without the checkpoints after the first two, then keep the tail hash-consistent
  const entries = lines.map((x) => JSON.parse(x));
  const kept = [];
  let cps = 0;
  for (const e of entries) {
    if (e.type === "checkpoint" && ++cps > 2 && !e.data.final) continue;
    kept.push(e);
  }
  let prev = "0".repeat(64);
  const rebuilt = kept.map((e, i) => {
    const n = makeEntryForTest(i + 1, e.time, e.type, e.data, prev);
    prev = n.hash;
    return encodeEntry(n);
  });
  // the final checkpoint's signature no longer matches: drop it too (the attacker cannot sign)
  rebuilt.pop();
  assert.equal(
    problemOf(() => verifyAuditText(`${rebuilt.join("\n")}\n`, { hostPub: l.signer.publicKey, open: true })),
    "checkpoint-missing",
  );
  l.cleanup();
});

test("audit: any single-byte change to an exported log is detected (property)", async () => {
  const l = await makeLog(5, 2);
  const bytes = Buffer.from(l.jsonl());
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: bytes.length - 2 }),
      fc.integer({ min: 1, max: 255 }),
      (pos, delta) => {
        const copy = Buffer.from(bytes);
        copy[pos] = (copy[pos]! + delta) % 256;
        if (copy[pos] === 0x0a || bytes[pos] === 0x0a) return; // line structure changes are covered above
        writeFileSync(join(l.dir, "t.jsonl"), copy);
        assert.throws(
          () => verifyAudit(join(l.dir, "t.jsonl"), { hostPub: l.signer.publicKey }),
          (err) => isSigrunError(err),
        );
      },
    ),
    { numRuns: 200 },
  );
  l.cleanup();
});
