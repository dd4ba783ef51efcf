import assert from "node:assert/strict";
import { sign as cryptoSign, generateKeyPairSync } from "node:crypto";
import { it } from "node:test";
import fc from "fast-check";
import { isSigrunError } from "../core/index.js";
import {
  detectSignatureFormat,
  ecdsaDerToRs,
  ecdsaRsToDer,
  fileSigner,
  generateKey,
  openPgpKeyFacts,
  parseSshsig,
  signFile,
  sshsigSign,
  verifyDetached,
} from "./index.js";

const MSG = new TextEncoder().encode("unit\n");
const sigErr = (e: unknown) => isSigrunError(e, "SIGNATURE_FORMAT_INVALID");

it("ecdsa DER ↔ r,s round-trips (property) and matches node's encoding", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 33 }),
      fc.uint8Array({ minLength: 1, maxLength: 33 }),
      (r, s) => {
        const back = ecdsaDerToRs(ecdsaRsToDer(r, s));
        const strip = (v: Uint8Array) => {
          let i = 0;
          while (i < v.byteLength - 1 && v[i] === 0) i++;
          return Buffer.from(v.subarray(i));
        };
        return strip(r).equals(Buffer.from(back.r)) && strip(s).equals(Buffer.from(back.s));
      },
    ),
  );
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const der = new Uint8Array(cryptoSign("sha256", MSG, privateKey));
  const { r, s } = ecdsaDerToRs(der);
  assert.deepEqual(Buffer.from(ecdsaRsToDer(r, s)), Buffer.from(der));
});

it("ecdsa DER parser rejects non-minimal, negative and trailing encodings", () => {
  for (const hex of [
    "30050200020101",
    "300702020001020101",
    "3006020180020101",
    "300602010102010100",
    "3107020101020101",
  ])
    assert.throws(() => ecdsaDerToRs(Buffer.from(hex, "hex")), sigErr, hex);
});

it("SSHSIG: parse gives back what was signed; strict about version, reserved and trailing data", async () => {
  const signer = fileSigner(generateKey("ed25519").privateKey);
  const armored = await sshsigSign(signer, MSG, "release");
  const p = parseSshsig(armored);
  assert.deepEqual(
    [p.namespace, p.hashAlgorithm, p.sigType, p.publicKey.keyId],
    ["release", "sha512", "ssh-ed25519", signer.publicKey.keyId],
  );
  const body = Buffer.from(armored.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, ""), "base64");
  const rewrap = (b: Buffer) =>
    `-----BEGIN SSH SIGNATURE-----\n${b.toString("base64")}\n-----END SSH SIGNATURE-----\n`;
  const v2 = Buffer.from(body);
  v2[9] = 2;
  assert.throws(() => parseSshsig(rewrap(v2)), sigErr);
  assert.throws(() => parseSshsig(rewrap(Buffer.concat([body, Buffer.from([0])]))), sigErr);
  assert.throws(() => parseSshsig(rewrap(body.subarray(0, body.byteLength - 1))), sigErr);
  assert.throws(() => parseSshsig(`junk\n${armored}`), sigErr);
  assert.throws(() => parseSshsig("x".repeat(20000)), sigErr);
  await assert.rejects(sshsigSign(signer, MSG, ""), (e) => isSigrunError(e, "INPUT_INVALID"));
  await assert.rejects(sshsigSign(signer, MSG, "a b"), (e) => isSigrunError(e, "INPUT_INVALID"));
});

it("format detection", async () => {
  const signer = fileSigner(generateKey("p256").privateKey);
  assert.equal(detectSignatureFormat(await signFile(signer, MSG, "raw")), "raw");
  assert.equal(detectSignatureFormat(await signFile(signer, MSG, "ssh")), "ssh");
  const pgp = await signFile(signer, MSG, "openpgp");
  assert.equal(detectSignatureFormat(pgp), "openpgp");
  const ed = fileSigner(generateKey("ed25519").privateKey);
  const raw = await signFile(ed, MSG, "raw");
  assert.equal(detectSignatureFormat(raw), "raw");
  assert.equal((await verifyDetached(MSG, raw, ed.publicKey)).ok, true);
});

it("the derived OpenPGP key is a pure function of the key material", () => {
  const { privateKey } = generateKey("ed25519");
  const a = openPgpKeyFacts(fileSigner(privateKey).publicKey);
  const b = openPgpKeyFacts(fileSigner(privateKey).publicKey);
  assert.equal(a.fingerprint, b.fingerprint);
  assert.match(a.fingerprint, /^[0-9A-F]{40}$/);
  assert.deepEqual(Buffer.from(a.keyPacketBody.subarray(0, 6)), Buffer.from([4, 0, 0, 0, 0, 22]));
});

it("openpgp.js reads sigrun's exported certificate and verifies its document signatures", async () => {
  const openpgp = await import("openpgp");
  const { openPgpPublicKey } = await import("./index.js");
  for (const type of ["ed25519", "p256"] as const) {
    const signer = fileSigner(generateKey(type).privateKey);
    const key = await openpgp.readKey({ armoredKey: await openPgpPublicKey(signer, "U <u@example.com>") });
    assert.equal(key.getFingerprint().toUpperCase(), openPgpKeyFacts(signer.publicKey).fingerprint);
    await key.verifyPrimaryKey();
    const signature = await openpgp.readSignature({
      armoredSignature: Buffer.from(await signFile(signer, MSG, "openpgp")).toString("utf8"),
    });
    const res = await openpgp.verify({
      message: await openpgp.createMessage({ binary: MSG }),
      signature,
      verificationKeys: key,
    });
    await res.signatures[0]!.verified;
  }
});
