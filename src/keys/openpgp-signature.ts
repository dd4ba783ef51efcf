import { createHash, createVerify, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { concatBytes, SigrunError } from "../core/index.js";
import { ecdsaDerToRs, ecdsaRsToDer } from "./ecdsa-der.js";
import { fail, mpi, PGP_ECDSA, PGP_ED25519, PGP_EDDSA_LEGACY, PGP_RSA, readMpi } from "./openpgp-packets.js";
import { algorithmOf } from "./public-key.js";
import type { KeyAlgorithm, Signer } from "./types.js";

/** v4 signature packets (RFC 4880 §5.2.3): building with any Signer, parsing strictly, verifying. */
export const SIG_BINARY = 0x00;
export const SIG_POSITIVE_CERT = 0x13;

const HASH_IDS: Record<number, string> = { 8: "sha256", 9: "sha384", 10: "sha512" };
const KNOWN_SUBPACKETS = new Set([2, 3, 4, 5, 7, 9, 11, 12, 16, 20, 21, 22, 23, 25, 27, 28, 30, 33, 34]);

export function subpacket(type: number, data: Uint8Array): Uint8Array {
  const n = data.byteLength + 1;
  if (n >= 192) throw new SigrunError("INTERNAL", "openpgp: subpacket too long");
  return concatBytes(Uint8Array.from([n, type]), data);
}

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v);
  return b;
}

/**
 * Builds a v4 signature packet body. `prefix` is what precedes the hashed portion in the hash (the
 * document, or key + user id for a certification).
 */
export async function buildSignature(
  signer: Signer,
  sigType: number,
  prefixParts: readonly Uint8Array[],
  hashedSubpackets: Uint8Array,
  unhashedSubpackets: Uint8Array,
): Promise<Uint8Array> {
  const alg = signer.publicKey.algorithm;
  const pubAlg =
    alg === "ed25519" ? PGP_EDDSA_LEGACY : alg === "p256" ? PGP_ECDSA : alg === "rsa" ? PGP_RSA : 0;
  if (pubAlg === 0) throw new SigrunError("KEY_UNSUPPORTED", `openpgp: unsupported key algorithm ${alg}`);
  const hashed = concatBytes(
    Uint8Array.from([
      4,
      sigType,
      pubAlg,
      8,
      hashedSubpackets.byteLength >> 8,
      hashedSubpackets.byteLength & 0xff,
    ]),
    hashedSubpackets,
  );
  const trailer = concatBytes(Uint8Array.from([4, 0xff]), u32(hashed.byteLength));
  const h = createHash("sha256");
  for (const p of prefixParts) h.update(p);
  const digest = new Uint8Array(h.update(hashed).update(trailer).digest());
  let sigMpis: Uint8Array;
  if (alg === "ed25519") {
    const raw = await signer.sign(digest);
    sigMpis = concatBytes(mpi(raw.subarray(0, 32)), mpi(raw.subarray(32)));
  } else {
    const raw = await signer.sign(concatBytes(...prefixParts, hashed, trailer));
    if (alg === "p256") {
      const { r, s } = ecdsaDerToRs(raw);
      sigMpis = concatBytes(mpi(r), mpi(s));
    } else sigMpis = mpi(raw);
  }
  return concatBytes(
    hashed,
    Uint8Array.from([unhashedSubpackets.byteLength >> 8, unhashedSubpackets.byteLength & 0xff]),
    unhashedSubpackets,
    digest.subarray(0, 2),
    sigMpis,
  );
}

export interface ParsedSignature {
  readonly sigType: number;
  readonly pubAlg: number;
  readonly hashName: string;
  /** The hashed portion: version … hashed subpackets. */
  readonly hashed: Uint8Array;
  readonly created: number | undefined;
  readonly issuerFingerprint: Uint8Array | undefined;
  readonly issuerKeyId: Uint8Array | undefined;
  readonly left16: Uint8Array;
  readonly mpis: readonly Uint8Array[];
}

function parseSubpackets(area: Uint8Array, into: Map<number, Uint8Array>): void {
  let off = 0;
  let count = 0;
  while (off < area.byteLength) {
    if (++count > 64) throw fail("too many subpackets");
    const b = area[off]!;
    let len: number;
    if (b < 192) {
      len = b;
      off += 1;
    } else if (b < 255) {
      if (off + 2 > area.byteLength) throw fail("truncated subpacket");
      len = ((b - 192) << 8) + area[off + 1]! + 192;
      off += 2;
    } else {
      if (off + 5 > area.byteLength) throw fail("truncated subpacket");
      len = new DataView(area.buffer, area.byteOffset + off + 1, 4).getUint32(0);
      off += 5;
    }
    if (len === 0 || off + len > area.byteLength) throw fail("subpacket length out of range");
    const type = area[off]! & 0x7f;
    const critical = (area[off]! & 0x80) !== 0;
    if (critical && !KNOWN_SUBPACKETS.has(type)) throw fail(`unknown critical subpacket ${type}`);
    if (!into.has(type)) into.set(type, area.subarray(off + 1, off + len));
    off += len;
  }
}

/** Parses a v4 signature packet body strictly. */
export function parseSignaturePacket(body: Uint8Array): ParsedSignature {
  if (body.byteLength < 10) throw fail("signature packet too short");
  if (body[0] !== 4) throw fail(`signature: expected version 4, got ${body[0]}`);
  const hashName = HASH_IDS[body[3]!];
  if (!hashName) throw fail(`signature: unsupported hash algorithm ${body[3]}`);
  const hashedLen = (body[4]! << 8) | body[5]!;
  let off = 6 + hashedLen;
  if (off + 2 > body.byteLength) throw fail("truncated hashed subpackets");
  const hashedArea = body.subarray(6, off);
  const unhashedLen = (body[off]! << 8) | body[off + 1]!;
  const unhashedArea = body.subarray(off + 2, off + 2 + unhashedLen);
  off += 2 + unhashedLen;
  if (off + 2 > body.byteLength) throw fail("truncated signature");
  const hashedSubs = new Map<number, Uint8Array>();
  const unhashedSubs = new Map<number, Uint8Array>();
  parseSubpackets(hashedArea, hashedSubs);
  parseSubpackets(unhashedArea, unhashedSubs);
  const left16 = body.subarray(off, off + 2);
  off += 2;
  const pubAlg = body[2]!;
  const mpis: Uint8Array[] = [];
  if (pubAlg === PGP_ED25519) {
    if (body.byteLength - off !== 64) throw fail("ed25519 signature: expected 64 bytes");
    mpis.push(body.subarray(off));
    off = body.byteLength;
  } else {
    const count = pubAlg === PGP_RSA ? 1 : pubAlg === PGP_ECDSA || pubAlg === PGP_EDDSA_LEGACY ? 2 : 0;
    if (count === 0)
      throw new SigrunError("KEY_UNSUPPORTED", `openpgp: unsupported signature algorithm ${pubAlg}`);
    for (let i = 0; i < count; i++) {
      const m = readMpi(body, off);
      mpis.push(m.value);
      off = m.next;
    }
  }
  if (off !== body.byteLength) throw fail("trailing data in signature packet");
  const created = hashedSubs.get(2);
  const fp = hashedSubs.get(33) ?? unhashedSubs.get(33);
  return {
    sigType: body[1]!,
    pubAlg,
    hashName,
    hashed: body.subarray(0, 6 + hashedLen),
    created:
      created?.byteLength === 4 ? new DataView(created.buffer, created.byteOffset).getUint32(0) : undefined,
    issuerFingerprint: fp && fp.byteLength === 21 && fp[0] === 4 ? fp.subarray(1) : undefined,
    issuerKeyId: hashedSubs.get(16) ?? unhashedSubs.get(16),
    left16,
    mpis,
  };
}

function pad(v: Uint8Array, width: number): Uint8Array {
  if (v.byteLength > width) return v;
  const out = new Uint8Array(width);
  out.set(v, width - v.byteLength);
  return out;
}

function matches(alg: KeyAlgorithm, pubAlg: number): boolean {
  if (alg === "ed25519") return pubAlg === PGP_EDDSA_LEGACY || pubAlg === PGP_ED25519;
  if (alg === "p256") return pubAlg === PGP_ECDSA;
  if (alg === "rsa") return pubAlg === PGP_RSA;
  return false;
}

/** Verifies a parsed binary-document signature over `data` with `key`. Never throws for a bad signature. */
export function verifySignaturePacket(sig: ParsedSignature, data: Uint8Array, key: KeyObject): boolean {
  if (sig.sigType !== SIG_BINARY) return false;
  let alg: KeyAlgorithm;
  try {
    alg = algorithmOf(key);
  } catch {
    return false;
  }
  if (!matches(alg, sig.pubAlg)) return false;
  const trailer = concatBytes(Uint8Array.from([4, 0xff]), u32(sig.hashed.byteLength));
  try {
    if (alg === "ed25519") {
      const digest = createHash(sig.hashName).update(data).update(sig.hashed).update(trailer).digest();
      const raw =
        sig.pubAlg === PGP_ED25519 ? sig.mpis[0]! : concatBytes(pad(sig.mpis[0]!, 32), pad(sig.mpis[1]!, 32));
      return cryptoVerify(null, digest, key, raw);
    }
    const v = createVerify(sig.hashName).update(data).update(sig.hashed).update(trailer);
    if (alg === "p256") return v.verify(key, ecdsaRsToDer(sig.mpis[0]!, sig.mpis[1]!));
    const modBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    return v.verify(key, pad(sig.mpis[0]!, modBytes));
  } catch {
    return false;
  }
}
