import assert from "node:assert/strict";
import { it } from "node:test";
import { buildHeader, type SealRecipient, sealBytes } from "../../src/seal/index.js";
import { sealKeys, unsealOutcome } from "../kit/seal.js";

/**
 * A header whose only stanza has an unknown recipient type is SEAL_NO_IDENTITY (never a crash, never a
 * guess); an unknown stanza next to ours is ignored, as age requires. A stanza type that differs only in
 * case from a known one (`x25519`) is unknown too.
 */
const unknown = (type: string): SealRecipient => ({
  label: type,
  wrapFileKey: () => [{ type, args: ["c29tZSBhcmc"], body: new Uint8Array(32) }],
});

it("unknown recipient types", async () => {
  const k = sealKeys();
  for (const type of ["example.com/enigma", "x25519", "X448", "piv-p256"]) {
    const only = await sealBytes(Buffer.from("secret"), [unknown(type)]);
    assert.equal(await unsealOutcome(only, k.identities), "SEAL_NO_IDENTITY", type);
    const mixed = await sealBytes(Buffer.from("secret"), [unknown(type), k.recipient]);
    assert.equal(await unsealOutcome(mixed, k.identities), "OK 6", `${type} next to ours`);
  }
  assert.ok((await buildHeader([unknown("example.com/enigma")], new Uint8Array(16))).byteLength > 0);
});
