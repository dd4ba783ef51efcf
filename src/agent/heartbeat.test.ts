import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { heartbeatVectors } from "../../test/kit/heartbeat-vectors.js";
import { fromBase64, isSigrunError, pae } from "../core/index.js";
import { parsePublicKey } from "../keys/index.js";
import { LIVE_INTERVALS, LIVE_SLACK_MS, readHeartbeat } from "./heartbeat.js";

const DIR = "vectors/heartbeat";

interface Case {
  file: string;
  hostId: string;
  hostPub: string;
  expect: string;
}

const cases = (): Case[] => JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as Case[];

test("heartbeat vectors: each case verifies, fails its signature, or is refused with its code", () => {
  assert.ok(cases().length >= 6);
  for (const c of cases()) {
    const pub = parsePublicKey(readFileSync(join(DIR, c.hostPub)));
    const bytes = readFileSync(join(DIR, c.file));
    const keyFor = (id: string) => (id === c.hostId ? pub : undefined);
    if (c.expect === "verified" || c.expect === "bad-signature") {
      const e = readHeartbeat(bytes, keyFor, Date.parse("2026-12-07T03:11:00.000Z"));
      assert.equal(e.trust, c.expect, c.file);
      assert.equal(e.heartbeat.host.id, c.hostId);
      // without a key for the host nothing can be said about the signature
      assert.equal(readHeartbeat(bytes, () => undefined, 0).trust, "unverified");
    } else
      assert.throws(
        () => readHeartbeat(bytes, keyFor, 0),
        (err) => isSigrunError(err, c.expect as never),
        c.file,
      );
  }
});

test("heartbeat vectors: the signature verifies with openssl (Ed25519 over the DSSE PAE)", {
  skip:
    process.env.CI || spawnSync("openssl", ["version"]).status === 0 ? undefined : "openssl not installed",
}, () => {
  const d = mkdtempSync(join(tmpdir(), "sigrun-hb-"));
  try {
    for (const c of cases().filter((x) => x.expect === "verified" || x.expect === "bad-signature")) {
      const env = JSON.parse(readFileSync(join(DIR, c.file), "utf8")) as {
        payload: string;
        payloadType: string;
        signatures: { sig: string }[];
      };
      writeFileSync(join(d, "msg"), pae(env.payloadType, fromBase64(env.payload, "payload")));
      writeFileSync(join(d, "sig"), fromBase64(env.signatures[0]!.sig, "sig"));
      const r = spawnSync("openssl", [
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        join(DIR, c.hostPub),
        "-rawin",
        "-in",
        join(d, "msg"),
        "-sigfile",
        join(d, "sig"),
      ]);
      assert.equal(r.status === 0, c.expect === "verified", `${c.file}: ${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("heartbeat vectors: regenerating gives the same bytes (deterministic Ed25519, canonical JSON)", async () => {
  const v = await heartbeatVectors();
  assert.equal(readFileSync(join(DIR, "host.pub"), "utf8"), v.hostPub);
  for (const x of v.vectors)
    assert.deepEqual(new Uint8Array(readFileSync(join(DIR, x.file))), x.bytes, x.file);
});

test("heartbeat: live within 3 intervals of the signed lastSeen, stale after, never live once stopped", () => {
  const running = readFileSync(join(DIR, "running.heartbeat.json"));
  const seen = Date.parse("2026-12-07T03:10:30.000Z");
  const edge = seen + LIVE_INTERVALS * 30_000 + LIVE_SLACK_MS;
  assert.equal(readHeartbeat(running, () => undefined, edge).live, true);
  assert.equal(readHeartbeat(running, () => undefined, edge + 1).live, false);
  assert.equal(readHeartbeat(running, () => undefined, seen - 5000).ageMs, 0, "clock skew: never negative");
  const stopped = readFileSync(join(DIR, "stopped.heartbeat.json"));
  assert.equal(readHeartbeat(stopped, () => undefined, seen + 1000).live, false);
});
