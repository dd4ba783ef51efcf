import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { isSigrunError } from "../core/index.js";
import { fileSigner, generateKey } from "../keys/index.js";
import { AuditLog, verifyAuditFile, verifyAuditText } from "./index.js";

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
  const path = join(dir, "audit.log");
  const log = await AuditLog.open(path, { signer, host: "h1", checkpointEvery });
  for (let i = 0; i < n; i++) await log.append("intake", { job: `j${i}`, n: i });
  await log.close();
  return { dir, path, signer, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test("audit: a written log verifies, with signed checkpoints", async () => {
  const l = await makeLog(10);
  const r = verifyAuditFile(l.path, { hostPub: l.signer.publicKey });
  assert.equal(r.checkpoints, 3);
  assert.equal(r.unsignedTail, 0);
  assert.equal(r.seq, r.entries);
  // reopen continues the chain
  const log = await AuditLog.open(l.path, { signer: l.signer, host: "h1" });
  await log.append("intake", { job: "more" });
  await log.close();
  assert.equal(verifyAuditFile(l.path, { hostPub: l.signer.publicKey }).seq, r.seq + 2);
  l.cleanup();
});

test("audit: edited, deleted, inserted, reordered and truncated logs are named", async () => {
  const l = await makeLog(8, 100);
  const text = readFileSync(l.path, "utf8");
  const lines = text.split("\n").slice(0, -1);
  const join_ = (ls: string[]) => `${ls.join("\n")}\n`;
  assert.equal(
    problemOf(() => verifyAuditText(text)),
    undefined,
  );
  // edited content (hash no longer matches)
  assert.equal(
    problemOf(() => verifyAuditText(text.replace('"job":"j3"', '"job":"jX"'))),
    "edited",
  );
  // deleted in the middle
  assert.equal(
    problemOf(() => verifyAuditText(join_([...lines.slice(0, 3), ...lines.slice(4)]))),
    "deleted",
  );
  // inserted (duplicate of an entry)
  assert.equal(
    problemOf(() => verifyAuditText(join_([...lines.slice(0, 3), lines[1]!, ...lines.slice(3)]))),
    "inserted",
  );
  // reordered
  const swapped = [...lines];
  [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
  assert.equal(
    problemOf(() => verifyAuditText(join_(swapped))),
    "reordered",
  );
  // truncated below a known sequence number
  assert.equal(
    problemOf(() => verifyAuditText(join_(lines.slice(0, 5)), { minSeq: 8 })),
    "truncated",
  );
  // garbage line
  assert.equal(
    problemOf(() => verifyAuditText(join_([...lines.slice(0, 2), "{not json", ...lines.slice(2)]))),
    "malformed",
  );
  l.cleanup();
});

test("audit: a rewritten chain fails the checkpoint signature", async () => {
  const l = await makeLog(6, 3);
  const other = fileSigner(generateKey("ed25519").privateKey);
  // an attacker rebuilds the whole log with their own key: chain fine, signatures not the host's
  const forged = join(l.dir, "forged.log");
  const log = await AuditLog.open(forged, { signer: other, host: "h1", checkpointEvery: 3 });
  for (let i = 0; i < 6; i++) await log.append("intake", { job: `j${i}`, n: i });
  await log.close();
  assert.equal(
    problemOf(() => verifyAuditFile(forged)),
    undefined,
  );
  assert.equal(
    problemOf(() => verifyAuditFile(forged, { hostPub: l.signer.publicKey })),
    "checkpoint",
  );
  l.cleanup();
});

test("audit: a torn last line (crash during append) is cut and recorded at open", async () => {
  const l = await makeLog(3, 100);
  appendFileSync(l.path, '{"data":{"job":"half');
  assert.equal(verifyAuditFile(l.path).tornTail, true);
  const log = await AuditLog.open(l.path, { signer: l.signer, host: "h1" });
  await log.append("intake", { job: "after" });
  await log.close();
  const r = verifyAuditFile(l.path, { hostPub: l.signer.publicKey });
  assert.equal(r.tornTail, false);
  assert.ok(readFileSync(l.path, "utf8").includes('"type":"recovery"'));
  l.cleanup();
});

test("audit: any single-byte change to a log is detected (property)", async () => {
  const l = await makeLog(5, 2);
  const bytes = readFileSync(l.path);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: bytes.length - 2 }),
      fc.integer({ min: 1, max: 255 }),
      (pos, delta) => {
        const copy = Buffer.from(bytes);
        copy[pos] = (copy[pos]! + delta) % 256;
        if (copy[pos] === 0x0a || bytes[pos] === 0x0a) return; // line structure changes are covered above
        writeFileSync(join(l.dir, "t.log"), copy);
        assert.throws(
          () => verifyAuditFile(join(l.dir, "t.log"), { hostPub: l.signer.publicKey }),
          (err) => isSigrunError(err),
        );
      },
    ),
    { numRuns: 200 },
  );
  l.cleanup();
});
