import assert from "node:assert/strict";
import { it } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import { fileSigner, generateKey, openPgpPublicKey, signFile, verifyDetached } from "../../src/keys/index.js";
import { dearmor } from "../../src/keys/openpgp-armor.js";

/**
 * A detached OpenPGP signature is exactly one signature packet. Smuggling a second signature (e.g. a
 * valid one by another key next to a bad one), or a key packet, is SIGNATURE_FORMAT_INVALID — never a
 * "pick whichever verifies".
 */
const MSG = new TextEncoder().encode("artifact\n");
const bad = (e: unknown) => isSigrunError(e, "SIGNATURE_FORMAT_INVALID");

it("two signature packets, or a signature followed by other packets, are refused", async () => {
  const a = fileSigner(generateKey("ed25519").privateKey);
  const b = fileSigner(generateKey("ed25519").privateKey);
  const sa = dearmor(await signFile(a, MSG, "openpgp"), "SIGNATURE");
  const sb = dearmor(await signFile(b, MSG, "openpgp"), "SIGNATURE");
  const both = new Uint8Array(Buffer.concat([sb, sa]));
  for (const pub of [a.publicKey, b.publicKey])
    await assert.rejects(verifyDetached(MSG, both, pub, { format: "openpgp" }), bad);
  const cert = dearmor(new TextEncoder().encode(await openPgpPublicKey(a)), "PUBLIC KEY BLOCK");
  await assert.rejects(
    verifyDetached(
      MSG,
      new Uint8Array(Buffer.concat([sa, cert])),
      new TextEncoder().encode(await openPgpPublicKey(a)),
      { format: "openpgp" },
    ),
    bad,
  );
  assert.equal((await verifyDetached(MSG, sa, a.publicKey)).ok, true);
});
