import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ed25519,
  enc,
  outcome,
  signedBundle,
  trustFor,
  unsignedBundle,
} from "../../test/kit/bundle-fixtures.js";
import { canonicalJson, toBase64 } from "../core/index.js";
import { fileSigner, generateKey, publicKeyInfo } from "../keys/index.js";
import {
  bundleCaps,
  createBundle,
  MANIFEST_PAYLOAD_TYPE,
  pae,
  parseBundle,
  signBundle,
  trustStoreOf,
  verifyBundle,
} from "./index.js";
import { assembleBundle } from "./pack.js";

test("a signed bundle verifies and reports its signers and files", async () => {
  const k = ed25519();
  const b = await signedBundle([k]);
  const v = verifyBundle(b, { trust: trustFor([k]) });
  assert.equal(v.form, "sgb");
  assert.deepEqual(
    v.signers.map((s) => s.keyId),
    [publicKeyInfo(k.publicKey).keyId],
  );
  assert.equal(new TextDecoder().decode(v.files.get("script.rhai")), "let x = 40 + 2;\nx\n");
  assert.match(v.manifestDigest, /^[0-9a-f]{64}$/);
});

test("p256 and rsa3072 keys sign bundles too", async () => {
  for (const type of ["p256", "rsa3072"] as const) {
    const k = generateKey(type);
    assert.equal(
      outcome(() => verifyBundle(unsignedBundle(), { trust: trustFor([k]) })),
      "THRESHOLD_NOT_MET",
    );
    const b = await signedBundle([k]);
    assert.equal(
      outcome(() => verifyBundle(b, { trust: trustFor([k]) })),
      "OK",
      type,
    );
  }
});

test("k-of-n: threshold counts distinct trusted keys", async () => {
  const [a, b, c] = [ed25519(), ed25519(), ed25519()];
  const two = await signedBundle([a, b]);
  assert.equal(
    outcome(() => verifyBundle(two, { trust: trustFor([a, b, c], { threshold: 2 }) })),
    "OK",
  );
  assert.equal(
    outcome(() => verifyBundle(two, { trust: trustFor([a, b, c], { threshold: 3 }) })),
    "THRESHOLD_NOT_MET",
  );
  assert.equal(
    outcome(() => verifyBundle(two, { trust: trustFor([a, c]), threshold: 2 })),
    "THRESHOLD_NOT_MET",
  );
  await assert.rejects(signBundle(two, fileSigner(a.privateKey)), { code: "INPUT_INVALID" });
});

test("untrusted and revoked signers are refused", async () => {
  const [a, b] = [ed25519(), ed25519()];
  const bundle = await signedBundle([a]);
  assert.equal(
    outcome(() => verifyBundle(bundle, { trust: trustFor([b]) })),
    "SIGNER_UNTRUSTED",
  );
  const revoked = publicKeyInfo(a.publicKey).keyId;
  assert.equal(
    outcome(() => verifyBundle(bundle, { trust: trustFor([a, b], { revoked: [revoked] }) })),
    "SIGNER_REVOKED",
  );
});

test("validity window and targets are enforced", async () => {
  const k = ed25519();
  const now = Date.UTC(2026, 0, 1);
  const b = await signedBundle([k], { created: now, validForMs: 3_600_000, targets: ["web-1", "group:db"] });
  const trust = trustFor([k]);
  assert.equal(
    outcome(() => verifyBundle(b, { trust, now: now + 1000, host: "web-1" })),
    "OK",
  );
  assert.equal(
    outcome(() => verifyBundle(b, { trust, now: now + 3_600_001 })),
    "EXPIRED",
  );
  assert.equal(
    outcome(() => verifyBundle(b, { trust, now: now - 10 * 60_000 })),
    "NOT_YET_VALID",
  );
  assert.equal(
    outcome(() => verifyBundle(b, { trust, now: now - 60_000 })),
    "OK",
    "within clock skew",
  );
  assert.equal(
    outcome(() => verifyBundle(b, { trust, now, host: "web-2" })),
    "WRONG_TARGET",
  );
  assert.equal(
    outcome(() => verifyBundle(b, { trust, now, host: "web-2", groups: ["db"] })),
    "OK",
  );
});

test("a file changed after signing is a digest mismatch; a changed manifest is a bad signature", async () => {
  const k = ed25519();
  const b = await signedBundle([k]);
  const p = parseBundle(b, bundleCaps());
  const files = p.manifest.files.map((f) => ({
    name: f.path,
    data: f.path === "script.rhai" ? enc("let x = 41 + 2;\nx\n") : p.files.get(f.path)!,
  }));
  assert.equal(
    outcome(() => verifyBundle(assembleBundle(p.manifestBytes, p.envelope, files), { trust: trustFor([k]) })),
    "DIGEST_MISMATCH",
  );
  const other = parseBundle(unsignedBundle({ extra: { "inputs/x.csv": enc("1,2") } }), bundleCaps());
  const swapped = assembleBundle(
    other.manifestBytes,
    p.envelope,
    other.manifest.files.map((f) => ({ name: f.path, data: other.files.get(f.path)! })),
  );
  assert.equal(
    outcome(() => verifyBundle(swapped, { trust: trustFor([k]) })),
    "SIGNATURE_INVALID",
  );
});

test("a manifest of an unknown version is UNSUPPORTED_VERSION even when signed", async () => {
  const k = ed25519();
  const m = {
    version: 2,
    id: "00".repeat(16),
    created: "2026-01-01T00:00:00Z",
    notAfter: "2036-01-01T00:00:00Z",
    targets: [],
    entry: "s",
    policy: "p",
    files: [],
  };
  const manifestBytes = enc(canonicalJson(m));
  const sig = await fileSigner(k.privateKey).sign(pae(MANIFEST_PAYLOAD_TYPE, manifestBytes));
  const env = {
    payloadType: MANIFEST_PAYLOAD_TYPE,
    payload: toBase64(manifestBytes),
    signatures: [{ keyid: publicKeyInfo(k.publicKey).keyId, sig: toBase64(sig) }],
  };
  const b = assembleBundle(manifestBytes, env, [{ name: "s", data: enc("1") }]);
  assert.equal(
    outcome(() => verifyBundle(b, { trust: trustFor([k]) })),
    "UNSUPPORTED_VERSION",
  );
});

test("parse → re-assemble gives the same bytes (canonical form)", async () => {
  const b = await signedBundle([ed25519(), ed25519()]);
  const p = parseBundle(b, bundleCaps());
  const again = assembleBundle(
    p.manifestBytes,
    p.envelope,
    p.manifest.files.map((f) => ({ name: f.path, data: p.files.get(f.path)! })),
  );
  assert.deepEqual(again, b);
});

test("createBundle refuses unsafe names and a missing entry", () => {
  const files = new Map([
    ["../x", enc("1")],
    ["policy.cedar", enc("p")],
  ]);
  assert.equal(
    outcome(() =>
      createBundle({ files, entry: "../x", policy: "policy.cedar", created: 0, validForMs: 1000 }),
    ),
    "BUNDLE_MALFORMED",
  );
  const ok = new Map([
    ["script.rhai", enc("1")],
    ["policy.cedar", enc("p")],
  ]);
  assert.equal(
    outcome(() =>
      createBundle({ files: ok, entry: "main.rhai", policy: "policy.cedar", created: 0, validForMs: 1000 }),
    ),
    "INPUT_INVALID",
  );
  assert.ok(trustStoreOf([]).keys.size === 0);
});

test("createBundle refuses a manifest no reader would accept (a bad or duplicate target)", () => {
  const files = new Map([
    ["script.rhai", enc("1")],
    ["policy.cedar", enc("p")],
  ]);
  const make = (targets: string[]) =>
    outcome(() =>
      createBundle({
        files,
        entry: "script.rhai",
        policy: "policy.cedar",
        targets,
        created: 0,
        validForMs: 1000,
      }),
    );
  assert.equal(make(["host:web-1"]), "INPUT_INVALID"); // the agent would reject it as BUNDLE_MALFORMED
  assert.equal(make(["web-1", "web-1"]), "INPUT_INVALID");
  assert.equal(make(["web-1", "group:web"]), "OK");
});
