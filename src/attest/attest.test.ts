import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  fixture,
  HOUR,
  memoryAudit,
  newSigner,
  runCountersign,
  viaFile,
} from "../../test/kit/countersign-fixture.js";
import { isSigrunError, utf8Decode, utf8Encode } from "../core/index.js";
import { rawVerify, verifyDetached } from "../keys/index.js";
import {
  approvalFileBytes,
  checkEvidence,
  encodeAttestations,
  encodeBuildSecret,
  encodeEvidence,
  newBuildKey,
  newBuildSecret,
  parseAttestations,
  parseBuildSecret,
  verifyApproval,
  verifyPublishedSet,
} from "./index.js";

const code = (c: string) => (e: unknown) => isSigrunError(e) && e.code === c;

describe("build secrets", () => {
  it("round-trip through their one-line text form, per variant", () => {
    for (const v of ["key", "mac"] as const) {
      const s = newBuildSecret("build-7", v);
      const text = encodeBuildSecret(s);
      assert.doesNotMatch(text, /\n/);
      const back = parseBuildSecret(`${text}\n`, v);
      assert.equal(encodeBuildSecret(back), text);
      assert.equal(back.build, "build-7");
    }
  });
  it("refuse the wrong variant, bad build ids and garbage", () => {
    const key = encodeBuildSecret(newBuildSecret("1", "key"));
    assert.throws(() => parseBuildSecret(key, "mac"), code("USAGE"));
    assert.throws(() => parseBuildSecret(key.replace(":1:", ":../x:")), code("KEY_INVALID"));
    assert.throws(() => parseBuildSecret("sigrun-build-nonce-v1:1:AAAA"), code("KEY_INVALID"));
    assert.throws(() => parseBuildSecret("nonsense"), code("KEY_INVALID"));
  });
});

describe("approval records", () => {
  it("verify against the approver key and name the build key", async () => {
    const f = await fixture();
    const v = verifyApproval(f.approval, f.approver.publicKey);
    assert.equal(v.record.build, "1234");
    assert.equal(v.buildKey?.keyId, f.secret.variant === "key" ? f.secret.signer.publicKey.keyId : "");
    assert.equal(v.record.approver, f.approver.publicKey.keyId);
    assert.equal(v.record.nonceCommitment, null);
    assert.equal(utf8Decode(approvalFileBytes(v.envelope)), utf8Decode(f.approval));
  });
  it("of the MAC variant hold the nonce's commitment, never the nonce", async () => {
    const f = await fixture({ variant: "mac" });
    const text = Buffer.from(JSON.parse(utf8Decode(f.approval)).payload, "base64").toString();
    const nonce = f.secret.variant === "mac" ? Buffer.from(f.secret.nonce) : Buffer.alloc(0);
    assert.ok(!text.includes(nonce.toString("base64url")) && !text.includes(nonce.toString("hex")));
    assert.match(text, /"nonceCommitment":"sha256:[0-9a-f]{64}"/);
  });
  it("newBuildKey appends the approval to the audit log before returning", async () => {
    const audit = memoryAudit();
    const made = await newBuildKey({
      build: "9",
      approver: newSigner(),
      validMs: HOUR,
      variant: "key",
      audit,
      now: new Date(),
    });
    assert.equal(audit.entries.length, 1);
    assert.equal(audit.entries[0]!.type, "build-approval");
    assert.equal(audit.entries[0]!.data.buildKey, made.record.buildKey!.keyId);
    assert.match(made.openpgpCert!, /BEGIN PGP PUBLIC KEY BLOCK/);
    const failing = { append: async () => Promise.reject(new Error("disk full")) };
    await assert.rejects(
      newBuildKey({
        build: "9",
        approver: newSigner(),
        validMs: HOUR,
        variant: "key",
        audit: failing,
        now: new Date(),
      }),
    );
    await assert.rejects(
      newBuildKey({
        build: "9",
        approver: newSigner(),
        validMs: 40 * 24 * HOUR,
        variant: "key",
        audit,
        now: new Date(),
      }),
      code("USAGE"),
    );
  });
});

describe("attestations file", () => {
  it("is JSON lines of canonical envelopes: parse(encode(x)) gives the same bytes", async () => {
    const f = await fixture();
    const bytes = encodeAttestations(f.attestations);
    assert.deepEqual(encodeAttestations(parseAttestations(bytes)), bytes);
    assert.equal(utf8Decode(bytes).split("\n").length, f.attestations.length + 1);
  });
  it("rejects blank lines, a missing final newline, and non-canonical envelopes", async () => {
    const f = await fixture();
    const text = utf8Decode(encodeAttestations(f.attestations));
    assert.throws(() => parseAttestations(utf8Encode(`${text}\n`)), code("ATTESTATION_INVALID"));
    assert.throws(() => parseAttestations(utf8Encode(text.slice(0, -1))), code("ATTESTATION_INVALID"));
    const spaced = text.replace('{"payload":', '{ "payload":');
    assert.throws(() => parseAttestations(utf8Encode(spaced)), code("ATTESTATION_INVALID"));
  });
});

describe("attestation tampering", () => {
  it("any single-bit flip of an attestation line is refused (parse error or a refusal)", async () => {
    const f = await fixture();
    const bytes = encodeAttestations([f.attestations[0]!]);
    let checked = 0;
    for (let i = 0; i < bytes.byteLength - 1; i += 5) {
      const bad = new Uint8Array(bytes);
      bad[i]! ^= 0x01;
      let envs: ReturnType<typeof parseAttestations>;
      try {
        envs = parseAttestations(bad);
      } catch (e) {
        assert.ok(isSigrunError(e), `flip at ${i}: uncoded error`);
        checked++;
        continue;
      }
      const { report } = await runCountersign(f, { attestations: envs, artifacts: [f.artifacts[0]!] });
      assert.equal(report.decisions[0]!.decision, "refuse", `flip at ${i}`);
      checked++;
    }
    assert.ok(checked > 50);
  });
});

describe("countersign", () => {
  it("signs every attested artifact with the release key and audit-logs each decision", async () => {
    const f = await fixture();
    const { report, audit } = await runCountersign(f, { attestations: viaFile(f.attestations) });
    assert.equal(report.decisions.length, 2);
    for (const [i, d] of report.decisions.entries()) {
      assert.equal(d.decision, "sign");
      assert.ok(rawVerify("ed25519", f.release.publicKey.keyObject, f.artifacts[i]!.data, d.signature!));
    }
    assert.deepEqual(
      audit.entries.map((e) => [e.type, e.data.decision, e.data.name]),
      [
        ["countersign", "sign", "app.tar.gz"],
        ["countersign", "sign", "app.sha256"],
      ],
    );
  });
  it("MAC variant: verifies the HMAC with the nonce, and openpgp output verifies", async () => {
    const f = await fixture({ variant: "mac" });
    const { report } = await runCountersign(f, { format: "openpgp" });
    assert.deepEqual(
      report.decisions.map((d) => d.decision),
      ["sign", "sign"],
    );
    const res = await verifyDetached(
      f.artifacts[0]!.data,
      report.decisions[0]!.signature!,
      f.release.publicKey,
    );
    assert.equal(res.ok, true);
    assert.equal(res.format, "openpgp");
    await assert.rejects(runCountersign(f, { nonce: undefined }), (e) => isSigrunError(e));
  });
  it("an audit failure releases nothing", async () => {
    const f = await fixture();
    await assert.rejects(
      runCountersign(f, { audit: { append: async () => Promise.reject(new Error("io")) } }),
    );
  });
  it("L re-checks the published set; a MAC build without the nonce is checked on digests only", async () => {
    const f = await fixture({ variant: "mac" });
    const { report } = await runCountersign(f, { format: "openpgp" });
    const artifacts = f.artifacts.map((a, i) => ({ ...a, signature: report.decisions[i]!.signature }));
    const res = await verifyPublishedSet({
      approval: f.approval,
      approverPub: f.approver.publicKey,
      attestations: f.attestations,
      artifacts,
      releasePub: f.release.publicKey,
    });
    assert.deepEqual(
      res.results.map((r) => [r.ok, r.attestation]),
      [
        [true, "digest-only"],
        [true, "digest-only"],
      ],
    );
    const withNonce = await verifyPublishedSet({
      approval: f.approval,
      approverPub: f.approver.publicKey,
      attestations: f.attestations,
      artifacts: [{ ...artifacts[0]!, signature: artifacts[1]!.signature }],
      releasePub: f.release.publicKey,
      nonce: f.secret,
    });
    assert.equal(withNonce.results[0]!.ok, false);
    assert.equal(withNonce.results[0]!.code, "SIGNATURE_INVALID");
  });
});

describe("remote countersign evidence", () => {
  it("verifies approval + attestation for the artifact and reports build and approver", async () => {
    const f = await fixture();
    const ev = encodeEvidence(f.approval, f.attestations[0]!);
    const facts = checkEvidence(ev, "app.tar.gz", f.artifacts[0]!.data, {
      approverPub: f.approver.publicKey,
      now: new Date(f.created.getTime() + 120_000),
    });
    assert.equal(facts.build.id, "1234");
    assert.equal(facts.approver.keyId, f.approver.publicKey.keyId);
    assert.equal(facts.attestation.verified, "signature");
    assert.throws(
      () =>
        checkEvidence(ev, "app.sha256", f.artifacts[1]!.data, {
          approverPub: f.approver.publicKey,
          now: new Date(),
        }),
      code("ATTESTATION_INVALID"),
    );
    assert.throws(
      () =>
        checkEvidence(ev, "app.tar.gz", f.artifacts[0]!.data, {
          approverPub: f.approver.publicKey,
          now: new Date(Date.now() + 7 * HOUR),
        }),
      code("EXPIRED"),
    );
  });
});
