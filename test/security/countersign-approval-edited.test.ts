import assert from "node:assert/strict";
import { it } from "node:test";
import { isSigrunError, utf8Decode, utf8Encode } from "../../src/core/index.js";
import { fixture, memoryAudit, newSigner, runCountersign } from "../kit/countersign-fixture.js";

/**
 * Attack: the approval record is edited in transit to H — a longer validity, another build key, another
 * build id. Any change must make H refuse the whole build (nothing signed).
 */
async function editedApproval(edit: (r: Record<string, unknown>) => void) {
  const f = await fixture();
  const env = JSON.parse(utf8Decode(f.approval)) as {
    payload: string;
    payloadType: string;
    signatures: unknown[];
  };
  const record = JSON.parse(Buffer.from(env.payload, "base64").toString()) as Record<string, unknown>;
  edit(record);
  const { canonicalJson } = await import("../../src/core/index.js");
  env.payload = Buffer.from(canonicalJson(record)).toString("base64");
  return { f, approval: utf8Encode(`${canonicalJson(env)}\n`) };
}

for (const [what, edit] of [
  ["validity extended", (r: Record<string, unknown>) => (r.notAfter = "2099-01-01T00:00:00.000Z")],
  ["build id changed", (r: Record<string, unknown>) => (r.build = "9999")],
  [
    "build key swapped",
    (r: Record<string, unknown>) => {
      const k = newSigner().publicKey;
      r.buildKey = {
        ...(r.buildKey as object),
        keyId: k.keyId,
        spki: Buffer.from(k.spkiDer).toString("base64"),
      };
    },
  ],
] as const) {
  it(`${what}: the approval's signature fails, nothing is signed`, async () => {
    const { f, approval } = await editedApproval(edit);
    const audit = memoryAudit();
    await assert.rejects(runCountersign(f, { approval, audit }), (e) =>
      isSigrunError(e, "SIGNATURE_INVALID"),
    );
  });
}

it("every single-bit flip of the approval file is refused", async () => {
  const f = await fixture();
  let checked = 0;
  for (let i = 0; i < f.approval.byteLength; i += 7) {
    const bad = new Uint8Array(f.approval);
    bad[i]! ^= 0x01;
    await assert.rejects(runCountersign(f, { approval: bad }), (e) => isSigrunError(e), `flip at ${i}`);
    checked++;
  }
  assert.ok(checked > 50);
});
