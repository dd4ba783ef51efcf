import { createPublicKey, type KeyObject } from "node:crypto";
import { fromBase64, fromBase64Url, toBase64, toBase64Url } from "../core/bytes.js";
import { recode, SigrunError } from "../core/errors.js";
import { SshReader, SshWriter } from "./ssh-wire.js";

const CURVES: Record<string, { crv: string; ident: string; len: number }> = {
  "ecdsa-sha2-nistp256": { crv: "P-256", ident: "nistp256", len: 32 },
  "ecdsa-sha2-nistp384": { crv: "P-384", ident: "nistp384", len: 48 },
};

/** Parses one OpenSSH public key line (`type base64 [comment]`). */
export function parseOpenSshPublicKey(line: string): KeyObject {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2)
    throw new SigrunError("KEY_INVALID", "openssh public key: expected `type base64 [comment]`");
  const blob = recode(() => fromBase64(parts[1]!), "KEY_INVALID", "openssh public key: bad base64");
  const key = parseSshPublicBlob(blob);
  const type = new SshReader(blob).string();
  if (type !== parts[0])
    throw new SigrunError("KEY_INVALID", `openssh public key: type ${parts[0]} does not match blob ${type}`);
  return key;
}

/** Parses the SSH wire public key blob (RFC 4253 §6.6, RFC 5656, RFC 8709). */
export function parseSshPublicBlob(blob: Uint8Array): KeyObject {
  try {
    return parseBlob(blob);
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    throw new SigrunError("KEY_INVALID", "ssh public key: not a valid key", { cause: err });
  }
}

function parseBlob(blob: Uint8Array): KeyObject {
  const r = new SshReader(blob);
  const type = r.string();
  if (type === "ssh-ed25519") {
    const pk = r.bytes();
    r.end();
    if (pk.byteLength !== 32) throw new SigrunError("KEY_INVALID", "ssh-ed25519: expected 32-byte key");
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(pk) }, format: "jwk" });
  }
  if (type === "ssh-rsa") {
    const e = r.bytes();
    const n = r.bytes();
    r.end();
    return createPublicKey({
      key: { kty: "RSA", e: toBase64Url(stripZeros(e)), n: toBase64Url(stripZeros(n)) },
      format: "jwk",
    });
  }
  const curve = CURVES[type];
  if (curve) {
    const ident = r.string();
    const q = r.bytes();
    r.end();
    if (ident !== curve.ident || q.byteLength !== 1 + 2 * curve.len || q[0] !== 4) {
      throw new SigrunError("KEY_INVALID", `${type}: bad curve point`);
    }
    return createPublicKey({
      key: {
        kty: "EC",
        crv: curve.crv,
        x: toBase64Url(q.subarray(1, 1 + curve.len)),
        y: toBase64Url(q.subarray(1 + curve.len)),
      },
      format: "jwk",
    });
  }
  throw new SigrunError("KEY_UNSUPPORTED", `openssh public key: unsupported type ${type}`);
}

/** Encodes a public key as the SSH wire blob and its type name. */
export function sshPublicBlob(key: KeyObject): { type: string; blob: Uint8Array } {
  const jwk = key.export({ format: "jwk" });
  const w = new SshWriter();
  if (key.asymmetricKeyType === "ed25519") {
    w.string("ssh-ed25519").bytes(b64u(jwk.x));
    return { type: "ssh-ed25519", blob: w.finish() };
  }
  if (key.asymmetricKeyType === "rsa") {
    w.string("ssh-rsa").mpint(b64u(jwk.e)).mpint(b64u(jwk.n));
    return { type: "ssh-rsa", blob: w.finish() };
  }
  if (key.asymmetricKeyType === "ec") {
    const type =
      jwk.crv === "P-256" ? "ecdsa-sha2-nistp256" : jwk.crv === "P-384" ? "ecdsa-sha2-nistp384" : "";
    if (!type) throw new SigrunError("KEY_UNSUPPORTED", `ssh: unsupported curve ${jwk.crv}`);
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(b64u(jwk.x)), Buffer.from(b64u(jwk.y))]);
    w.string(type).string(CURVES[type]!.ident).bytes(point);
    return { type, blob: w.finish() };
  }
  throw new SigrunError("KEY_UNSUPPORTED", `ssh: unsupported key type ${key.asymmetricKeyType}`);
}

/** One OpenSSH public key line. */
export function openSshPublicKeyLine(key: KeyObject, comment?: string): string {
  const { type, blob } = sshPublicBlob(key);
  return `${type} ${toBase64(blob)}${comment ? ` ${comment}` : ""}`;
}

function b64u(s: string | undefined): Uint8Array {
  return recode(() => fromBase64Url(s ?? ""), "KEY_INVALID", "jwk: bad base64url");
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.byteLength - 1 && b[i] === 0) i++;
  return b.subarray(i);
}
