import assert from "node:assert/strict";
import { createHash, sign as cryptoSign, generateKeyPairSync } from "node:crypto";
import { it } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import {
  fileSigner,
  generateKey,
  publicKeyInfo,
  rawVerify,
  signFile,
  sshPublicBlob,
  verifyDetached,
} from "../../src/keys/index.js";
import { SshWriter } from "../../src/keys/ssh-wire.js";

/** A signature is only checked with the algorithm of the trusted key; other algorithms are refused. */
const MSG = new TextEncoder().encode("deploy v2\n");

it("raw: a signature of one key type never verifies with another type (no throw)", async () => {
  const ed = fileSigner(generateKey("ed25519").privateKey);
  const ec = fileSigner(generateKey("p256").privateKey);
  const edSig = await ed.sign(MSG);
  const ecSig = await ec.sign(MSG);
  assert.equal(rawVerify(ec.publicKey.algorithm, ec.publicKey.keyObject, MSG, edSig), false);
  assert.equal(rawVerify(ed.publicKey.algorithm, ed.publicKey.keyObject, MSG, ecSig), false);
  assert.equal((await verifyDetached(MSG, edSig, ec.publicKey, { format: "raw" })).ok, false);
});

it("ssh: rsa signatures must be rsa-sha2-256/512, never ssh-rsa (SHA-1)", async () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signer = fileSigner(privateKey);
  const good = await signFile(signer, MSG, "ssh");
  assert.equal((await verifyDetached(MSG, good, signer.publicKey)).ok, true);
  // hand-build the same SSHSIG with an ssh-rsa (SHA-1) signature
  const magic = new TextEncoder().encode("SSHSIG");
  const digest = createHash("sha512").update(MSG).digest();
  const toSign = Buffer.concat([
    magic,
    new SshWriter().string("file").string("").string("sha512").bytes(digest).finish(),
  ]);
  const sha1 = new Uint8Array(cryptoSign("sha1", toSign, privateKey));
  const body = Buffer.concat([
    magic,
    new SshWriter()
      .uint32(1)
      .bytes(sshPublicBlob(signer.publicKey.keyObject).blob)
      .string("file")
      .string("")
      .string("sha512")
      .bytes(new SshWriter().string("ssh-rsa").bytes(sha1).finish())
      .finish(),
  ]);
  const armored = new TextEncoder().encode(
    `-----BEGIN SSH SIGNATURE-----\n${body.toString("base64")}\n-----END SSH SIGNATURE-----\n`,
  );
  assert.equal((await verifyDetached(MSG, armored, signer.publicKey)).ok, false);
});

it("openpgp: a signature packet claiming another public-key algorithm is refused", async () => {
  const ed = fileSigner(generateKey("ed25519").privateKey);
  const rsa = fileSigner(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
  const sig = await signFile(ed, MSG, "openpgp");
  assert.equal((await verifyDetached(MSG, sig, ed.publicKey)).ok, true);
  assert.equal((await verifyDetached(MSG, sig, rsa.publicKey)).ok, false);
});

it("weak or unknown key types are refused as signing keys", () => {
  const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
  assert.throws(
    () => publicKeyInfo(rsa1024),
    (e) => isSigrunError(e, "KEY_UNSUPPORTED"),
  );
  const x = generateKeyPairSync("x25519").publicKey;
  assert.throws(
    () => publicKeyInfo(x),
    (e) => isSigrunError(e, "KEY_UNSUPPORTED"),
  );
  const k1 = generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey;
  assert.throws(
    () => publicKeyInfo(k1),
    (e) => isSigrunError(e, "KEY_UNSUPPORTED"),
  );
});

it("p384 keys are refused for ssh and openpgp output rather than signed with a mismatched hash", async () => {
  const p384 = fileSigner(generateKeyPairSync("ec", { namedCurve: "secp384r1" }).privateKey);
  await assert.rejects(signFile(p384, MSG, "ssh"), (e) => isSigrunError(e, "KEY_UNSUPPORTED"));
  await assert.rejects(signFile(p384, MSG, "openpgp"), (e) => isSigrunError(e, "KEY_UNSUPPORTED"));
});
