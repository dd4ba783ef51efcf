import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { concatBytes, SigrunError, toBase64Url } from "../core/index.js";
import { algorithmOf } from "./public-key.js";

/**
 * Minimal OpenPGP (RFC 4880 / RFC 9580 v4) packet encoding: the packets sigrun writes (v4 public key,
 * user id, v4 signature) and a strict reader for signature packets. See docs/spec/signature-formats.md.
 */
export const TAG_SIGNATURE = 2;
export const TAG_PUBLIC_KEY = 6;
export const TAG_USER_ID = 13;

export const PGP_RSA = 1;
export const PGP_ECDSA = 19;
export const PGP_EDDSA_LEGACY = 22;
export const PGP_ED25519 = 27;

export const OID_P256 = Uint8Array.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
export const OID_ED25519_LEGACY = Uint8Array.from([0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01]);

const MAX_PACKET = 1024 * 1024;

export function fail(what: string): SigrunError {
  return new SigrunError("SIGNATURE_FORMAT_INVALID", `openpgp: ${what}`);
}

/** A new-format packet header + body. */
export function packet(tag: number, body: Uint8Array): Uint8Array {
  const n = body.byteLength;
  let len: number[];
  if (n < 192) len = [n];
  else if (n < 8384) len = [((n - 192) >> 8) + 192, (n - 192) & 0xff];
  else len = [0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return concatBytes(Uint8Array.from([0xc0 | tag, ...len]), body);
}

export interface RawPacket {
  readonly tag: number;
  readonly body: Uint8Array;
}

/** Splits binary OpenPGP data into packets (old and new format, no partial lengths). */
export function readPackets(data: Uint8Array, maxPackets = 64): RawPacket[] {
  const out: RawPacket[] = [];
  let off = 0;
  while (off < data.byteLength) {
    if (out.length >= maxPackets) throw fail("too many packets");
    const h = data[off]!;
    if ((h & 0x80) === 0) throw fail("bad packet header");
    let tag: number;
    let len: number;
    let p = off + 1;
    const need = (k: number) => {
      if (p + k > data.byteLength) throw fail("truncated packet header");
    };
    if ((h & 0x40) !== 0) {
      tag = h & 0x3f;
      need(1);
      const b = data[p]!;
      if (b < 192) {
        len = b;
        p += 1;
      } else if (b < 224) {
        need(2);
        len = ((b - 192) << 8) + data[p + 1]! + 192;
        p += 2;
      } else if (b === 255) {
        need(5);
        len = new DataView(data.buffer, data.byteOffset + p + 1, 4).getUint32(0);
        p += 5;
      } else throw fail("partial body lengths are not supported");
    } else {
      tag = (h >> 2) & 0x0f;
      const lt = h & 3;
      if (lt === 3) throw fail("indeterminate length is not supported");
      const k = [1, 2, 4][lt]!;
      need(k);
      len = 0;
      for (let i = 0; i < k; i++) len = len * 256 + data[p + i]!;
      p += k;
    }
    if (len > MAX_PACKET || p + len > data.byteLength) throw fail("packet length out of range");
    out.push({ tag, body: data.subarray(p, p + len) });
    off = p + len;
  }
  return out;
}

/** An MPI: 16-bit bit count + magnitude (leading zero bytes stripped). */
export function mpi(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.byteLength && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const bits = m.byteLength === 0 ? 0 : (m.byteLength - 1) * 8 + (32 - Math.clz32(m[0]!));
  return concatBytes(Uint8Array.from([bits >> 8, bits & 0xff]), m);
}

/** Reads an MPI at `off`; returns the magnitude and the next offset. */
export function readMpi(buf: Uint8Array, off: number): { value: Uint8Array; next: number } {
  if (off + 2 > buf.byteLength) throw fail("truncated mpi");
  const bits = (buf[off]! << 8) | buf[off + 1]!;
  const len = (bits + 7) >> 3;
  if (off + 2 + len > buf.byteLength) throw fail("truncated mpi");
  return { value: buf.subarray(off + 2, off + 2 + len), next: off + 2 + len };
}

function b64u(s: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(s ?? "", "base64url"));
}

/** The OpenPGP algorithm id and public parameters of a sigrun signing key. */
export function openPgpPublicParams(key: KeyObject): { algorithm: number; params: Uint8Array } {
  const alg = algorithmOf(key);
  const jwk = key.export({ format: "jwk" });
  if (alg === "ed25519") {
    const q = concatBytes(Uint8Array.from([0x40]), b64u(jwk.x));
    return {
      algorithm: PGP_EDDSA_LEGACY,
      params: concatBytes(Uint8Array.from([OID_ED25519_LEGACY.byteLength]), OID_ED25519_LEGACY, mpi(q)),
    };
  }
  if (alg === "p256") {
    const q = concatBytes(Uint8Array.from([4]), b64u(jwk.x), b64u(jwk.y));
    return {
      algorithm: PGP_ECDSA,
      params: concatBytes(Uint8Array.from([OID_P256.byteLength]), OID_P256, mpi(q)),
    };
  }
  if (alg === "rsa") return { algorithm: PGP_RSA, params: concatBytes(mpi(b64u(jwk.n)), mpi(b64u(jwk.e))) };
  throw new SigrunError("KEY_UNSUPPORTED", `openpgp: unsupported key algorithm ${alg}`);
}

/** The body of a v4 public key packet. */
export function publicKeyBody(key: KeyObject, created: number): Uint8Array {
  const { algorithm, params } = openPgpPublicParams(key);
  const head = new Uint8Array(6);
  head[0] = 4;
  new DataView(head.buffer).setUint32(1, created);
  head[5] = algorithm;
  return concatBytes(head, params);
}

/** The v4 fingerprint: SHA-1(0x99 ‖ len16 ‖ body). */
export function v4Fingerprint(body: Uint8Array): Uint8Array {
  const h = Uint8Array.from([0x99, body.byteLength >> 8, body.byteLength & 0xff]);
  return new Uint8Array(createHash("sha1").update(h).update(body).digest());
}

/** Rebuilds a node KeyObject from the public parameters of an OpenPGP key packet body (v4). */
export function keyObjectFromPublicKeyBody(body: Uint8Array): KeyObject {
  try {
    return keyFromBody(body);
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    throw new SigrunError("KEY_INVALID", "openpgp public key: not a valid key", { cause: err });
  }
}

function keyFromBody(body: Uint8Array): KeyObject {
  if (body.byteLength < 8 || body[0] !== 4) throw fail("expected a v4 public key packet");
  const algorithm = body[5]!;
  let off = 6;
  const readOid = (): Uint8Array => {
    const n = body[off]!;
    if (n === 0 || n === 0xff || off + 1 + n > body.byteLength) throw fail("bad curve oid");
    const oid = body.subarray(off + 1, off + 1 + n);
    off += 1 + n;
    return oid;
  };
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  if (algorithm === PGP_RSA) {
    const n = readMpi(body, off);
    const e = readMpi(body, n.next);
    return createPublicKey({
      key: { kty: "RSA", n: toBase64Url(n.value), e: toBase64Url(e.value) },
      format: "jwk",
    });
  }
  if (algorithm === PGP_EDDSA_LEGACY) {
    if (!same(readOid(), OID_ED25519_LEGACY)) throw fail("eddsa: expected curve ed25519");
    const q = readMpi(body, off).value;
    if (q.byteLength !== 33 || q[0] !== 0x40) throw fail("eddsa: bad public point");
    return createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(q.subarray(1)) },
      format: "jwk",
    });
  }
  if (algorithm === PGP_ED25519) {
    if (body.byteLength !== 6 + 32) throw fail("ed25519: bad public key");
    return createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(body.subarray(6)) },
      format: "jwk",
    });
  }
  if (algorithm === PGP_ECDSA) {
    if (!same(readOid(), OID_P256))
      throw new SigrunError("KEY_UNSUPPORTED", "openpgp: ecdsa: expected nist p-256");
    const q = readMpi(body, off).value;
    if (q.byteLength !== 65 || q[0] !== 4) throw fail("ecdsa: bad public point");
    return createPublicKey({
      key: { kty: "EC", crv: "P-256", x: toBase64Url(q.subarray(1, 33)), y: toBase64Url(q.subarray(33)) },
      format: "jwk",
    });
  }
  throw new SigrunError("KEY_UNSUPPORTED", `openpgp: unsupported public key algorithm ${algorithm}`);
}
