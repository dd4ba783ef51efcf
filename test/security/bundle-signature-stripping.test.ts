import assert from "node:assert/strict";
import { test } from "node:test";
import { bundleCaps, parseBundle, verifyBundle } from "../../src/bundle/index.js";
import { assembleBundle } from "../../src/bundle/pack.js";
import { ed25519, outcome, signedBundle, trustFor } from "../kit/bundle-fixtures.js";

test("removing or replacing the signatures never yields a valid bundle", async () => {
  const [owner, attacker] = [ed25519(), ed25519()];
  const b = await signedBundle([owner]);
  const p = parseBundle(b, bundleCaps());
  const files = p.manifest.files.map((f) => ({ name: f.path, data: p.files.get(f.path)! }));
  const stripped = assembleBundle(p.manifestBytes, { ...p.envelope, signatures: [] }, files);
  assert.equal(
    outcome(() => verifyBundle(stripped, { trust: trustFor([owner]) })),
    "THRESHOLD_NOT_MET",
  );
  const resigned = parseBundle(await signedBundle([attacker]), bundleCaps());
  const forged = assembleBundle(
    p.manifestBytes,
    {
      ...p.envelope,
      signatures: [{ keyid: p.envelope.signatures[0]!.keyid, sig: resigned.envelope.signatures[0]!.sig }],
    },
    files,
  );
  assert.equal(
    outcome(() => verifyBundle(forged, { trust: trustFor([owner]) })),
    "SIGNATURE_INVALID",
  );
});
