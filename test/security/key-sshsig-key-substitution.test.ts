import assert from "node:assert/strict";
import { it } from "node:test";
import { fileSigner, generateKey, signFile, sshPublicBlob, verifyDetached } from "../../src/keys/index.js";
import { SshReader, SshWriter } from "../../src/keys/ssh-wire.js";

/**
 * An SSHSIG carries its signer's public key. sigrun must check it against the key the caller trusts and
 * verify with the trusted key, never with the embedded one.
 */
const MSG = new TextEncoder().encode("payload\n");

function replaceKey(armored: Uint8Array, blob: Uint8Array): Uint8Array {
  const b64 = Buffer.from(armored)
    .toString("utf8")
    .replace(/-----[A-Z ]+-----/g, "")
    .replace(/\s/g, "");
  const body = new Uint8Array(Buffer.from(b64, "base64"));
  const r = new SshReader(body.subarray(6));
  const version = r.uint32();
  r.bytes();
  const rest = body.subarray(6 + 4 + 4 + new DataView(body.buffer, body.byteOffset + 10, 4).getUint32(0));
  const out = new SshWriter().raw(body.subarray(0, 6)).uint32(version).bytes(blob).raw(rest).finish();
  return new TextEncoder().encode(
    `-----BEGIN SSH SIGNATURE-----\n${Buffer.from(out).toString("base64")}\n-----END SSH SIGNATURE-----\n`,
  );
}

it("a signature by an attacker's key does not verify for the trusted key", async () => {
  const trusted = fileSigner(generateKey("ed25519").privateKey);
  const attacker = fileSigner(generateKey("ed25519").privateKey);
  const sig = await signFile(attacker, MSG, "ssh");
  assert.equal((await verifyDetached(MSG, sig, attacker.publicKey)).ok, true);
  assert.equal((await verifyDetached(MSG, sig, trusted.publicKey)).ok, false);
  // claim the trusted key in the signature: the bytes still were signed by the attacker
  const claimed = replaceKey(sig, sshPublicBlob(trusted.publicKey.keyObject).blob);
  assert.equal((await verifyDetached(MSG, claimed, trusted.publicKey)).ok, false);
});
