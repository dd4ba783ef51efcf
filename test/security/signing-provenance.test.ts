import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, test } from "node:test";
import { type ProvenanceClaims, type RequestReview, verifyProvenance } from "../../src/signing/index.js";
import { MemoryRelay, runPair } from "../kit/session-harness.js";
import { type LocalIssuer, startIssuer } from "./oidc-issuer.js";

// Attack surface: an unauthenticated initiator. A CI OIDC token bound to the session transcript
// (audience) authenticates it; tokens for another session, forged, expired or `alg: none` are refused.
let issuer: LocalIssuer;
before(async () => {
  issuer = await startIssuer();
});
after(() => issuer.close());

const verify = (required = false) => ({
  verify: (token: string, audience: string) => verifyProvenance(token, { issuer: issuer.url, audience }),
  required,
});

test("provenance: a session-bound token is verified; the claims reach the review", async () => {
  const seen: RequestReview[] = [];
  const r = await runPair(new MemoryRelay(), {
    provenance: async (aud) => issuer.mint({ aud }),
    signerProvenance: verify(true),
    approve: async (rev) => {
      seen.push(rev);
      return { approved: true, reason: "ok", by: "test" };
    },
  });
  assert.equal(r.initiatorCode, "ok");
  assert.equal(r.signerCode, "ok");
  const p = seen[0]?.provenance as ProvenanceClaims;
  assert.equal(p.repository, "acme/app");
  assert.equal(p.ref, "refs/heads/main");
  assert.equal(p.issuer, issuer.url);
});

const refused: [string, (aud: string) => string][] = [
  [
    "a token for another session (replayed audience)",
    () => issuer.mint({ aud: "sigrun-session:00000000000000000000000000000000" }),
  ],
  [
    "a token signed by another key",
    (aud) =>
      issuer.mint({ aud }, { key: generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey }),
  ],
  ["an expired token", (aud) => issuer.mint({ aud, exp: Math.floor(Date.now() / 1000) - 3600 })],
  ["a token from another issuer", (aud) => issuer.mint({ aud, iss: "https://evil.example" })],
  [
    "an alg:none token",
    (aud) =>
      `${Buffer.from(JSON.stringify({ alg: "none", kid: "k1" })).toString("base64url")}.${Buffer.from(JSON.stringify({ aud, iss: issuer.url })).toString("base64url")}.`,
  ],
];
for (const [what, token] of refused) {
  test(`provenance: ${what} is refused; the initiator is told`, async () => {
    const r = await runPair(new MemoryRelay(), {
      provenance: async (aud) => token(aud),
      signerProvenance: verify(false),
    });
    assert.equal(r.signerCode, "UNAUTHORIZED");
    assert.equal(r.initiatorCode, "PEER_REJECTED");
    assert.equal(r.outputs.length, 0);
  });
}

test("provenance: --require-provenance refuses an initiator without a token", async () => {
  const r = await runPair(new MemoryRelay(), { signerProvenance: verify(true) });
  assert.equal(r.signerCode, "UNAUTHORIZED");
  assert.equal(r.initiatorCode, "PEER_REJECTED");
});
