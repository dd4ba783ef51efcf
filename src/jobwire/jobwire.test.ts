import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { toHex } from "../core/index.js";
import { fileSigner, generateKey } from "../keys/index.js";
import {
  encodeJobManifest,
  FrameReader,
  FrameWriter,
  JOB_MANIFEST_TYPE,
  type JobManifest,
  jobDigest,
  newAgeKeyPair,
  parseJobManifest,
  reportData,
  unwrapJobKey,
  verifyAttestation,
  wrapJobKey,
} from "./index.js";
import { OFFER_TYPE, type Offer, signOffer, verifyOffer } from "./offer.js";

const vector = JSON.parse(
  readFileSync(new URL("../../../vectors/sealed/report-data.json", import.meta.url), "utf8"),
);

test("reportData matches the vector (openssl sha384 of the JCS runtime data, zero-padded)", () => {
  assert.equal(toHex(reportData(vector.nonce, vector.tee_pubkey)), vector.report_data_hex);
  const openssl = spawnSync("openssl", ["dgst", "-sha384", "-hex"], {
    input: vector.runtime_data_jcs,
    encoding: "utf8",
  });
  if (openssl.status === 0)
    assert.ok(vector.report_data_hex.startsWith(/= ([0-9a-f]{96})/.exec(openssl.stdout)![1]));
  // a different nonce or key gives different report data
  assert.notEqual(
    toHex(reportData(`${vector.nonce.slice(0, -1)}A`, vector.tee_pubkey)),
    vector.report_data_hex,
  );
  assert.notEqual(toHex(reportData(vector.nonce, newAgeKeyPair().recipient)), vector.report_data_hex);
});

function manifest(over: Partial<JobManifest> = {}): JobManifest {
  return {
    _type: JOB_MANIFEST_TYPE,
    nonce: "A".repeat(43),
    bundle: { sha256: "a".repeat(64), size: 10 },
    inputs: [
      { path: "a/b.txt", size: 1, sha256: "b".repeat(64) },
      { path: "c.txt", size: 2, sha256: "c".repeat(64) },
    ],
    timeout_ms: 1000,
    output_recipient: newAgeKeyPair().recipient,
    require_tee: false,
    created: "2026-12-07T00:00:00.000Z",
    ...over,
  };
}

test("job manifest: round trip, digest, and strict refusals", () => {
  const m = manifest();
  const bytes = encodeJobManifest(m);
  assert.deepEqual(parseJobManifest(bytes), m);
  assert.match(jobDigest(bytes), /^[0-9a-f]{64}$/);
  const refuse = (over: Partial<JobManifest>) =>
    assert.throws(
      () => parseJobManifest(encodeJobManifest(manifest(over))),
      (e: { code?: string }) => e.code === "INPUT_INVALID",
    );
  refuse({ inputs: [{ path: "../x", size: 1, sha256: "b".repeat(64) }] });
  refuse({ inputs: [{ path: "/etc/passwd", size: 1, sha256: "b".repeat(64) }] });
  refuse({ inputs: [{ path: "a/./b", size: 1, sha256: "b".repeat(64) }] });
  refuse({
    inputs: [
      { path: "b", size: 1, sha256: "b".repeat(64) },
      { path: "a", size: 1, sha256: "b".repeat(64) },
    ],
  });
  refuse({
    inputs: [
      { path: "a", size: 1, sha256: "b".repeat(64) },
      { path: "a/b", size: 1, sha256: "b".repeat(64) },
    ],
  });
  refuse({ output_recipient: "age1nope" });
  // not canonical (whitespace) and extra keys are refused
  assert.throws(
    () => parseJobManifest(Buffer.from(JSON.stringify(m, null, 1))),
    (e: { code?: string }) => e.code === "INPUT_INVALID",
  );
  assert.throws(
    () => parseJobManifest(encodeJobManifest({ ...m, extra: 1 } as never)),
    (e: { code?: string }) => e.code === "INPUT_INVALID",
  );
});

test("key release: J opens only with both E and the job key", async () => {
  const j = newAgeKeyPair();
  const e = newAgeKeyPair();
  const jobKey = newAgeKeyPair();
  const wrapped = await wrapJobKey(j.identity, e.recipient, jobKey.recipient);
  assert.equal(await unwrapJobKey(wrapped, e.identity, jobKey.identity), j.identity);
  const other = newAgeKeyPair();
  await assert.rejects(unwrapJobKey(wrapped, other.identity, jobKey.identity), (x: { code?: string }) =>
    /^SEAL_/.test(x.code ?? ""),
  );
  await assert.rejects(unwrapJobKey(wrapped, e.identity, other.identity), (x: { code?: string }) =>
    /^SEAL_/.test(x.code ?? ""),
  );
  // the long-term job key alone never opens it
  await assert.rejects(unwrapJobKey(wrapped, jobKey.identity, jobKey.identity), (x: { code?: string }) =>
    /^SEAL_/.test(x.code ?? ""),
  );
});

test("offer: verifies with the pinned key, refuses every mismatch", async () => {
  const host = fileSigner(generateKey("ed25519").privateKey);
  const jobKey = newAgeKeyPair().recipient;
  const e = newAgeKeyPair().recipient;
  const nonce = "B".repeat(43);
  const jd = "d".repeat(64);
  const now = Date.now();
  const offer: Offer = {
    _type: OFFER_TYPE,
    nonce,
    job_digest: jd,
    tee_pubkey: e,
    job_key: jobKey,
    host: { id: "h", receipt_key_id: host.publicKey.keyId },
    attestation: { type: "none", evidence: "" },
    report_data: toHex(reportData(nonce, e)),
    issued_at: new Date(now).toISOString(),
    expires_at: new Date(now + 60_000).toISOString(),
  };
  const x = {
    receiptKey: host.publicKey,
    jobKey,
    nonce,
    jobDigest: jd,
    now,
    attestation: { requireTee: false },
  };
  assert.equal((await verifyOffer(await signOffer(offer, host), x)).tee_pubkey, e);
  const bad = async (o: Offer, xx = x, code = "OFFER_INVALID") =>
    assert.rejects(verifyOffer(await signOffer(o, host), xx), (err: { code?: string }) => err.code === code);
  await bad({ ...offer, nonce: "C".repeat(43) });
  await bad({ ...offer, job_key: newAgeKeyPair().recipient });
  await bad({ ...offer, expires_at: new Date(now - 1).toISOString() });
  await bad({ ...offer, tee_pubkey: jobKey, report_data: toHex(reportData(nonce, jobKey)) });
  await bad(offer, { ...x, attestation: { requireTee: true } }, "ATTESTATION_INVALID");
  const stranger = fileSigner(generateKey("ed25519").privateKey);
  await assert.rejects(
    verifyOffer(await signOffer(offer, stranger), x),
    (err: { code?: string }) => err.code === "OFFER_INVALID",
  );
  await assert.rejects(
    verifyAttestation({ type: "none", evidence: "x" }, new Uint8Array(64), { requireTee: false }),
  );
});

test("frames: messages and blobs round-trip; truncation and oversize are refused", async () => {
  const p = new PassThrough();
  const w = new FrameWriter(p);
  const r = new FrameReader(p);
  await w.magic();
  await w.message({ t: "hello", n: 1 });
  await w.blob({ name: "input/0" }, 5, [
    Buffer.from("hel"),
    Buffer.from("lo"),
  ] as unknown as AsyncIterable<Uint8Array>);
  await w.end();
  await r.expectMagic();
  assert.deepEqual(await r.expect("hello"), { t: "hello", n: 1 });
  const b = await r.expect("blob");
  const parts: Buffer[] = [];
  for await (const c of r.blob(Number(b.size))) parts.push(Buffer.from(c));
  assert.equal(Buffer.concat(parts).toString(), "hello");
  assert.equal(await r.atEnd(), true);
  const q = new PassThrough();
  q.end(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  await assert.rejects(new FrameReader(q).message(), (e: { code?: string }) => e.code === "PROTOCOL_ERROR");
  const t = new PassThrough();
  t.end(Buffer.from([0, 0, 0, 10, 0x7b]));
  await assert.rejects(new FrameReader(t).message(), (e: { code?: string }) => e.code === "PROTOCOL_ERROR");
  await assert.rejects(
    new FrameWriter(new PassThrough()).blob({}, 3, [
      Buffer.from("toolong"),
    ] as unknown as AsyncIterable<Uint8Array>),
    (e: { code?: string }) => e.code === "PROTOCOL_ERROR",
  );
});
