import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { it } from "node:test";
import {
  ATTESTATION_PREDICATE_TYPE,
  attestArtifacts,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
} from "../../src/attest/index.js";
import { isSigrunError } from "../../src/core/index.js";
import { fixture, runCountersign, signedEnvelope } from "../kit/countersign-fixture.js";

/**
 * Attack: subject names that are paths or look like other names — H writes DIR/<name>.sig and L
 * publishes by name, so a name must be a plain file name: no separators, no `..`, no control, bidi or
 * zero-width characters, no option-like leading `-`, NFC only.
 */
const TRICKS = [
  "../etc/passwd",
  "sub/app.tar.gz",
  "..\\app.tar.gz",
  "..",
  ".",
  "/abs",
  "-rf",
  "app\u202egz.rat",
  "app\u200b.tar.gz",
  "app\n.tar.gz",
  "cafe\u0301.tgz",
  "a".repeat(256),
];

it("attest refuses every tricky subject name", async () => {
  const f = await fixture();
  for (const name of TRICKS)
    await assert.rejects(
      attestArtifacts([{ name, data: new Uint8Array([1]) }], f.secret, { builderId: "ci", now: new Date() }),
      (e) => isSigrunError(e, "ATTESTATION_INVALID"),
      JSON.stringify(name),
    );
});

it("H refuses hand-made attestations and artifact names with path tricks", async () => {
  const f = await fixture();
  if (f.secret.variant !== "key") throw new Error("fixture");
  const data = new TextEncoder().encode("x\n");
  for (const name of TRICKS) {
    const st = {
      _type: IN_TOTO_STATEMENT_TYPE,
      subject: [{ name, digest: { sha256: createHash("sha256").update(data).digest("hex") } }],
      predicateType: ATTESTATION_PREDICATE_TYPE,
      predicate: {
        buildId: "1234",
        builderId: "ci",
        time: new Date(f.created.getTime() + 1000).toISOString(),
      },
    };
    const env = await signedEnvelope(IN_TOTO_PAYLOAD_TYPE, st, f.secret.signer);
    // Named as the trick: the artifact name itself is refused before anything is signed.
    await assert.rejects(runCountersign(f, { attestations: [env], artifacts: [{ name, data }] }), (e) =>
      isSigrunError(e, "ATTESTATION_INVALID"),
    );
    // Named plainly (the basename H sees): the attestation does not name it.
    const { report } = await runCountersign(f, {
      attestations: [env],
      artifacts: [{ name: "passwd", data }],
    });
    assert.equal(report.decisions[0]!.decision, "refuse", JSON.stringify(name));
  }
});
