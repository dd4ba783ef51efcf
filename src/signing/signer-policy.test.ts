import assert from "node:assert/strict";
import { test } from "node:test";
import { signerPolicy } from "./signer-policy.js";

const session = {
  mode: "public-key" as const,
  relay: "wss://r",
  context: "acme/app run 7",
  expiresAt: new Date(),
  maxSignatures: 1,
  keyMatches: true,
};
const req = (over: Partial<{ name: string; size: number; format: "raw" | "ssh" }> = {}) => ({
  reqId: 1,
  kind: "file" as const,
  name: over.name ?? "app.tar.gz",
  size: over.size ?? 100,
  sha256: "00".repeat(32),
  format: over.format ?? ("raw" as const),
  context: session.context,
});

test("signer policy: permits by artifact and initiator attributes; denies by default", () => {
  const p = signerPolicy(
    `permit(principal, action == Action::"sign", resource) when { resource.format == "raw" && resource.size < 1000 && principal.context like "acme/app*" };`,
    session,
  );
  assert.equal(p(req()).approved, true);
  assert.equal(p(req({ size: 5000 })).approved, false);
  assert.equal(p(req({ format: "ssh" })).approved, false);
  const q = signerPolicy(
    `permit(principal, action, resource) when { principal.context like "other/*" };`,
    session,
  );
  assert.equal(q(req()).approved, false);
});

test("signer policy: a policy that does not fit the schema is refused at load", () => {
  assert.throws(
    () => signerPolicy(`permit(principal, action, resource) when { resource.nope == 1 };`, session),
    {
      code: "POLICY_INVALID",
    },
  );
});

test("signer policy: verified provenance claims are principal attributes", () => {
  const p = signerPolicy(
    `permit(principal, action == Action::"sign", resource) when { principal.verified && principal has repository && principal.repository == "acme/app" && principal has ref && principal.ref == "refs/heads/main" };`,
    session,
  );
  assert.equal(p(req()).approved, false, "no provenance → deny");
  const prov = {
    issuer: "https://issuer",
    subject: "repo:acme/app",
    repository: "acme/app",
    ref: "refs/heads/main",
  };
  assert.equal(p({ ...req(), provenance: prov }).approved, true);
  assert.equal(p({ ...req(), provenance: { ...prov, ref: "refs/heads/evil" } }).approved, false);
});
