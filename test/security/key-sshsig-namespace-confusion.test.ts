import assert from "node:assert/strict";
import { it } from "node:test";
import { fileSigner, generateKey, parseSshsig, signFile, verifyDetached } from "../../src/keys/index.js";
import { SshReader, SshWriter } from "../../src/keys/ssh-wire.js";

/** A signature made for SSHSIG namespace A must never verify for namespace B (OpenSSH PROTOCOL.sshsig). */
const MSG = new TextEncoder().encode("commit 1234\n");

function rewriteNamespace(armored: Uint8Array, ns: string): Uint8Array {
  const text = Buffer.from(armored).toString("utf8");
  const b64 = text.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, "");
  const body = new Uint8Array(Buffer.from(b64, "base64"));
  const r = new SshReader(body.subarray(6));
  const version = r.uint32();
  const key = r.bytes();
  r.bytes(); // namespace
  const reserved = r.bytes();
  const hash = r.string();
  const sig = r.bytes();
  const out = new SshWriter()
    .raw(body.subarray(0, 6))
    .uint32(version)
    .bytes(key)
    .string(ns)
    .bytes(reserved)
    .string(hash)
    .bytes(sig)
    .finish();
  return new TextEncoder().encode(
    `-----BEGIN SSH SIGNATURE-----\n${Buffer.from(out).toString("base64")}\n-----END SSH SIGNATURE-----\n`,
  );
}

for (const type of ["ed25519", "p256"] as const) {
  it(`${type}: namespace A signature is rejected for namespace B, even with the namespace field rewritten`, async () => {
    const signer = fileSigner(generateKey(type).privateKey);
    const sig = await signFile(signer, MSG, "ssh", { namespace: "git" });
    assert.equal(parseSshsig(sig).namespace, "git");
    assert.equal((await verifyDetached(MSG, sig, signer.publicKey, { namespace: "git" })).ok, true);
    assert.equal((await verifyDetached(MSG, sig, signer.publicKey, { namespace: "file" })).ok, false);
    assert.equal((await verifyDetached(MSG, sig, signer.publicKey)).ok, false, "default namespace is file");
    const forged = rewriteNamespace(sig, "file");
    assert.equal(parseSshsig(forged).namespace, "file");
    assert.equal((await verifyDetached(MSG, forged, signer.publicKey, { namespace: "file" })).ok, false);
  });
}
