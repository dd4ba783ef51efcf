import { concatBytes, SigrunError, toHex, utf8Encode } from "../core/index.js";
import { shortKeyId } from "./key-id.js";
import { armor, dearmor } from "./openpgp-armor.js";
import {
  fail,
  keyObjectFromPublicKeyBody,
  packet,
  publicKeyBody,
  readPackets,
  TAG_PUBLIC_KEY,
  TAG_SIGNATURE,
  TAG_USER_ID,
  v4Fingerprint,
} from "./openpgp-packets.js";
import {
  buildSignature,
  parseSignaturePacket,
  SIG_BINARY,
  SIG_POSITIVE_CERT,
  subpacket,
  u32,
  verifySignaturePacket,
} from "./openpgp-signature.js";
import { publicKeyInfo } from "./public-key.js";
import type { PublicKeyInfo, Signer } from "./types.js";

/**
 * The creation time of every OpenPGP key sigrun derives from a key: 0 (1970-01-01T00:00:00Z). It is part
 * of the fingerprint, so fixing it makes the same key material always give the same OpenPGP key packet,
 * fingerprint and (for deterministic algorithms) the same exported certificate, with nothing stored.
 */
export const OPENPGP_KEY_CREATED = 0;

const MAX_UID = 1024;
const MAX_CERT = 1024 * 1024;

function checkCertSize(cert: Uint8Array): void {
  if (cert.byteLength === 0 || cert.byteLength > MAX_CERT)
    throw new SigrunError("KEY_INVALID", "openpgp public key: expected 1 byte to 1 MiB");
}

export interface OpenPgpKeyFacts {
  readonly fingerprint: string;
  readonly keyPacketBody: Uint8Array;
}

/** The OpenPGP v4 key packet and fingerprint (upper-case hex) derived from a sigrun public key. */
export function openPgpKeyFacts(pub: PublicKeyInfo): OpenPgpKeyFacts {
  const body = publicKeyBody(pub.keyObject, OPENPGP_KEY_CREATED);
  return { keyPacketBody: body, fingerprint: toHex(v4Fingerprint(body)).toUpperCase() };
}

function issuerSubpackets(fp: Uint8Array): { hashed: Uint8Array; unhashed: Uint8Array } {
  return {
    hashed: subpacket(33, concatBytes(Uint8Array.from([4]), fp)),
    unhashed: subpacket(16, fp.subarray(12)),
  };
}

/**
 * An armored OpenPGP public key (key packet + user id + positive self-certification made by `signer`),
 * the form `gpg --import` and `gpgv --keyring` need. Stable: same key and uid → same key packet and
 * fingerprint; byte-identical output for Ed25519 and RSA (deterministic signatures).
 */
export async function openPgpPublicKey(signer: Signer, uid?: string): Promise<string> {
  const id = uid ?? `sigrun ${shortKeyId(signer.publicKey.keyId)}`;
  if (id.length === 0 || id.length > MAX_UID || /[\x00-\x1f\x7f]/.test(id))
    throw new SigrunError("INPUT_INVALID", "uid: expected 1-1024 characters without control characters");
  const { keyPacketBody } = openPgpKeyFacts(signer.publicKey);
  const fp = v4Fingerprint(keyPacketBody);
  const uidBytes = utf8Encode(id);
  const issuer = issuerSubpackets(fp);
  const hashed = concatBytes(
    subpacket(2, u32(OPENPGP_KEY_CREATED)),
    subpacket(27, Uint8Array.from([0x03])), // certify + sign
    subpacket(11, Uint8Array.from([9, 8, 7])), // AES-256, AES-192, AES-128
    subpacket(21, Uint8Array.from([8, 10, 9])), // SHA-256, SHA-512, SHA-384
    subpacket(30, Uint8Array.from([0x01])), // modification detection
    issuer.hashed,
  );
  const keyPrefix = concatBytes(
    Uint8Array.from([0x99, keyPacketBody.byteLength >> 8, keyPacketBody.byteLength & 0xff]),
    keyPacketBody,
  );
  const uidPrefix = concatBytes(Uint8Array.from([0xb4]), u32(uidBytes.byteLength), uidBytes);
  const sig = await buildSignature(
    signer,
    SIG_POSITIVE_CERT,
    [keyPrefix, uidPrefix],
    hashed,
    issuer.unhashed,
  );
  return armor(
    "PUBLIC KEY BLOCK",
    concatBytes(
      packet(TAG_PUBLIC_KEY, keyPacketBody),
      packet(TAG_USER_ID, uidBytes),
      packet(TAG_SIGNATURE, sig),
    ),
  );
}

/** A detached binary-document signature (type 0x00, SHA-256), armored. */
export async function openPgpSign(signer: Signer, data: Uint8Array, now: Date = new Date()): Promise<string> {
  const created = Math.floor(now.getTime() / 1000);
  if (!Number.isSafeInteger(created) || created < 0 || created > 0xffffffff)
    throw new SigrunError("INPUT_INVALID", "signature time: out of the openpgp range");
  const fp = v4Fingerprint(openPgpKeyFacts(signer.publicKey).keyPacketBody);
  const issuer = issuerSubpackets(fp);
  const hashed = concatBytes(subpacket(2, u32(created)), issuer.hashed);
  const sig = await buildSignature(signer, SIG_BINARY, [data], hashed, issuer.unhashed);
  return armor("SIGNATURE", packet(TAG_SIGNATURE, sig));
}

/** Reads exactly one v4 signature packet from an armored or binary detached signature. */
export function readOpenPgpSignature(sig: Uint8Array) {
  const packets = readPackets(dearmor(sig, "SIGNATURE"), 4);
  if (packets.length !== 1 || packets[0]!.tag !== TAG_SIGNATURE)
    throw fail("expected exactly one signature packet");
  return parseSignaturePacket(packets[0]!.body);
}

/** True when `data` looks like an OpenPGP public key (armored or binary key packet first). */
export function isOpenPgpPublicKey(data: Uint8Array): boolean {
  if (data.byteLength === 0) return false;
  const h = data[0]!;
  if (h === 0x99 || h === 0x98 || h === 0xc6) return true;
  return Buffer.from(data.subarray(0, 64))
    .toString("latin1")
    .trimStart()
    .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK");
}

/** Verifies with a sigrun public key (PEM/OpenSSH), by hand: v4, binary document, matching algorithm. */
export function openPgpVerifyWithKey(data: Uint8Array, sig: Uint8Array, pub: PublicKeyInfo): boolean {
  return verifySignaturePacket(readOpenPgpSignature(sig), data, pub.keyObject);
}

/**
 * Verifies with an OpenPGP certificate (e.g. `gpg --export`), through openpgp.js, which also checks the
 * certificate's self-signatures, expiry and revocation at `now`. Returns the sigrun key of the signing
 * (sub)key, or undefined when the signature does not verify.
 */
export async function openPgpVerifyWithCert(
  data: Uint8Array,
  sig: Uint8Array,
  cert: Uint8Array,
  now: Date = new Date(),
): Promise<PublicKeyInfo | undefined> {
  checkCertSize(cert);
  readOpenPgpSignature(sig); // strict shape check first: exactly one v4 signature packet
  const openpgp = await import("openpgp");
  let key: import("openpgp").PublicKey;
  try {
    const text = (cert[0]! & 0x80) === 0;
    key = text
      ? await openpgp.readKey({ armoredKey: Buffer.from(cert).toString("utf8") })
      : await openpgp.readKey({ binaryKey: cert });
  } catch (err) {
    throw new SigrunError("KEY_INVALID", "openpgp public key: cannot parse", { cause: err });
  }
  let res: Awaited<ReturnType<typeof openpgp.verify>>;
  try {
    const signature =
      (sig[0]! & 0x80) === 0
        ? await openpgp.readSignature({ armoredSignature: Buffer.from(sig).toString("utf8") })
        : await openpgp.readSignature({ binarySignature: sig });
    const message = await openpgp.createMessage({ binary: data });
    res = await openpgp.verify({ message, signature, verificationKeys: key, date: now, format: "binary" });
  } catch (err) {
    throw new SigrunError("SIGNATURE_FORMAT_INVALID", "openpgp: cannot read signature", { cause: err });
  }
  if (res.signatures.length !== 1) return undefined;
  const one = res.signatures[0]!;
  try {
    await one.verified;
  } catch {
    return undefined;
  }
  const signing = key.getKeys(one.keyID)[0];
  if (!signing) return undefined;
  return publicKeyInfo(keyObjectFromPublicKeyBody(signing.keyPacket.write()));
}

export { keyObjectFromPublicKeyBody };

/** The primary key of an OpenPGP certificate (armored or binary) as a sigrun public key. */
export async function openPgpCertPrimaryKey(cert: Uint8Array): Promise<PublicKeyInfo> {
  checkCertSize(cert);
  const packets = readPackets(dearmor(cert, "PUBLIC KEY BLOCK"), 4096);
  const first = packets[0];
  if (!first || first.tag !== TAG_PUBLIC_KEY)
    throw new SigrunError("KEY_INVALID", "openpgp certificate: expected a public key packet first");
  return publicKeyInfo(keyObjectFromPublicKeyBody(first.body));
}
