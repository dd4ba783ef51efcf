import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isSigrunError, SigrunError, toHex } from "../core/index.js";
import { type CountersignReview, checkCountersignRequest } from "./countersign-request.js";
import { decodeRequest, encodeRequest, type SignRequest } from "./messages.js";
import { signerPolicy } from "./signer-policy.js";

const sha = new Uint8Array(32).fill(7);
const facts: CountersignReview = {
  build: {
    id: "42",
    variant: "key",
    keyId: `sha256:${"a".repeat(64)}`,
    notAfter: "2030-01-01T00:00:00.000Z",
    approvalSha256: "b".repeat(64),
  },
  approver: { keyId: `sha256:${"c".repeat(64)}` },
  attestation: {
    subject: "app.tar.gz",
    sha256: toHex(sha),
    builderId: "ci",
    time: "2029-12-31T00:00:00.000Z",
    verified: "signature",
  },
};
const req = (over: Partial<SignRequest> = {}): SignRequest => ({
  reqId: 1,
  kind: "countersign",
  name: "app.tar.gz",
  size: 3,
  sha256: sha,
  format: "openpgp",
  evidence: new Uint8Array([1, 2, 3]),
  ...over,
});

describe("countersign request message", () => {
  it("round-trips with its evidence; plain requests stay 6 items", () => {
    const back = decodeRequest(encodeRequest(req()));
    assert.deepEqual(back.evidence, new Uint8Array([1, 2, 3]));
    assert.equal(back.kind, "countersign");
    const plain = decodeRequest(encodeRequest(req({ kind: "file", evidence: undefined })));
    assert.equal(plain.evidence, undefined);
  });
  it("rejects evidence on other kinds, countersign without evidence, and countersign as a bundle", async () => {
    const { cborEncode } = await import("../session/index.js");
    const bad = [
      [1, "file", "a", 3, sha, "raw", new Uint8Array([1])],
      [1, "countersign", "a", 3, sha, "raw"],
      [1, "countersign", "a", 3, sha, "bundle", new Uint8Array([1])],
      [1, "countersign", "a", 3, sha, "raw", new Uint8Array(16 * 1024 + 1)],
    ];
    for (const b of bad)
      assert.throws(
        () => decodeRequest(cborEncode(b as never)),
        (e) => isSigrunError(e, "CHANNEL_ERROR"),
        JSON.stringify(b[1]),
      );
  });
});

describe("countersign request check", () => {
  it("rejects without a verifier, and maps a verifier failure to its code", async () => {
    assert.deepEqual(await checkCountersignRequest(undefined, req(), new Uint8Array(3)), {
      ok: false,
      code: "SIGNER_UNTRUSTED",
      reason: "this signer verifies no build approvals (no --approver-pub)",
    });
    const failing = () => {
      throw new SigrunError("EXPIRED", "old");
    };
    const c = await checkCountersignRequest(failing, req(), new Uint8Array(3));
    assert.equal(c.ok, false);
    assert.equal(!c.ok && c.code, "EXPIRED");
    assert.equal((await checkCountersignRequest(async () => facts, req(), new Uint8Array(3))).ok, true);
    const other = { ...facts, attestation: { ...facts.attestation, subject: "other" } };
    assert.equal((await checkCountersignRequest(() => other, req(), new Uint8Array(3))).ok, false);
  });
});

describe("signer policy: countersign", () => {
  const session = {
    mode: "public-key" as const,
    relay: "wss://r",
    context: "ci",
    expiresAt: new Date(),
    maxSignatures: 1,
    keyMatches: true,
  };
  const review = (c?: CountersignReview) => ({
    reqId: 1,
    kind: "countersign" as const,
    name: "app.tar.gz",
    size: 3,
    sha256: toHex(sha),
    format: "openpgp" as const,
    context: "ci",
    ...(c ? { countersign: c } : {}),
  });
  it('sees context.build and context.approver under Action::"countersign"', () => {
    const p = signerPolicy(
      `permit(principal, action == Action::"countersign", resource) when { context.build.id == "42" && context.approver == "sha256:${"c".repeat(64)}" && context.build.verified == "signature" };`,
      session,
    );
    assert.equal(p(review(facts)).approved, true);
    assert.equal(p(review({ ...facts, build: { ...facts.build, id: "43" } })).approved, false);
    assert.equal(p(review({ ...facts, approver: { keyId: `sha256:${"d".repeat(64)}` } })).approved, false);
  });
  it("a policy for plain signing does not permit countersigning", () => {
    const p = signerPolicy(`permit(principal, action == Action::"sign", resource);`, session);
    assert.equal(p(review(facts)).approved, false);
  });
});
