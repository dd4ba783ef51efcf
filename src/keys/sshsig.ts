import { createHash, verify as cryptoVerify } from "node:crypto";
import { concatBytes, fromBase64, recode, SigrunError, utf8Encode } from "../core/index.js";
import { ecdsaDerToRs, ecdsaRsToDer } from "./ecdsa-der.js";
import { parseSshPublicBlob, sshPublicBlob } from "./openssh-public.js";
import { publicKeyInfo } from "./public-key.js";
import { SshReader, SshWriter } from "./ssh-wire.js";
import type { PublicKeyInfo, Signer } from "./types.js";

/** SSHSIG (OpenSSH PROTOCOL.sshsig), the format of `ssh-keygen -Y sign`. See docs/spec/signature-formats.md. */
const MAGIC = utf8Encode("SSHSIG");
const BEGIN = "-----BEGIN SSH SIGNATURE-----";
const END = "-----END SSH SIGNATURE-----";
const MAX_ARMORED = 16 * 1024;
const MAX_NAMESPACE = 256;
const HASHES = new Set(["sha256", "sha512"]);

export interface ParsedSshsig {
  readonly publicKey: PublicKeyInfo;
  readonly namespace: string;
  readonly hashAlgorithm: "sha256" | "sha512";
  readonly sigType: string;
  readonly sigBytes: Uint8Array;
}

function checkNamespace(namespace: string): void {
  if (namespace.length === 0 || namespace.length > MAX_NAMESPACE || !/^[\x21-\x7e]+$/.test(namespace)) {
    throw new SigrunError("INPUT_INVALID", "namespace: expected 1-256 printable ascii characters");
  }
}

function signedData(namespace: string, hashAlgorithm: string, message: Uint8Array): Uint8Array {
  const digest = createHash(hashAlgorithm).update(message).digest();
  return concatBytes(
    MAGIC,
    new SshWriter().string(namespace).string("").string(hashAlgorithm).bytes(digest).finish(),
  );
}

/** Signs `message` as an armored SSHSIG (hash sha512, like ssh-keygen). */
export async function sshsigSign(signer: Signer, message: Uint8Array, namespace: string): Promise<string> {
  checkNamespace(namespace);
  const pub = signer.publicKey;
  const { blob } = sshPublicBlob(pub.keyObject);
  const toSign = signedData(namespace, "sha512", message);
  const raw = await signer.sign(toSign);
  const sig = new SshWriter();
  if (pub.algorithm === "ed25519") sig.string("ssh-ed25519").bytes(raw);
  else if (pub.algorithm === "p256") {
    const { r, s } = ecdsaDerToRs(raw);
    sig.string("ecdsa-sha2-nistp256").bytes(new SshWriter().mpint(r).mpint(s).finish());
  } else if (pub.algorithm === "rsa") sig.string("rsa-sha2-256").bytes(raw);
  else throw new SigrunError("KEY_UNSUPPORTED", `ssh signature: unsupported key algorithm ${pub.algorithm}`);
  const body = concatBytes(
    MAGIC,
    new SshWriter()
      .uint32(1)
      .bytes(blob)
      .string(namespace)
      .string("")
      .string("sha512")
      .bytes(sig.finish())
      .finish(),
  );
  const b64 = Buffer.from(body).toString("base64");
  const lines = b64.match(/.{1,70}/g) ?? [];
  return `${BEGIN}\n${lines.join("\n")}\n${END}\n`;
}

/** Parses an armored SSHSIG strictly (version 1, empty reserved field, sha256/sha512, no trailing data). */
export function parseSshsig(armored: Uint8Array | string): ParsedSshsig {
  const text = typeof armored === "string" ? armored : Buffer.from(armored).toString("latin1");
  if (text.length > MAX_ARMORED)
    throw new SigrunError("SIGNATURE_FORMAT_INVALID", "ssh signature: larger than 16 KiB");
  const t = text.replace(/\r?\n$/, "");
  if (!t.startsWith(`${BEGIN}\n`) && !t.startsWith(`${BEGIN}\r\n`))
    throw new SigrunError("SIGNATURE_FORMAT_INVALID", "ssh signature: expected armored SSHSIG");
  if (!t.endsWith(`\n${END}`))
    throw new SigrunError("SIGNATURE_FORMAT_INVALID", "ssh signature: expected armored SSHSIG");
  const lines = t
    .slice(BEGIN.length, t.length - END.length)
    .split(/\r?\n/)
    .slice(1, -1);
  if (lines.some((l) => !/^[A-Za-z0-9+/]+={0,2}$/.test(l)))
    throw new SigrunError("SIGNATURE_FORMAT_INVALID", "ssh signature: bad base64 body");
  const b64 = lines.join("");
  const body = recode(
    () => fromBase64(b64),
    "SIGNATURE_FORMAT_INVALID",
    "ssh signature: non-canonical base64",
  );
  const fail = (what: string) => new SigrunError("SIGNATURE_FORMAT_INVALID", `ssh signature: ${what}`);
  if (body.byteLength < 6 || Buffer.compare(Buffer.from(body.subarray(0, 6)), Buffer.from(MAGIC)) !== 0)
    throw fail("missing SSHSIG magic");
  try {
    const r = new SshReader(body.subarray(6));
    const version = r.uint32();
    if (version !== 1) throw fail(`expected version 1, got ${version}`);
    const keyBlob = r.bytes();
    const namespace = r.string();
    const reserved = r.bytes();
    const hashAlgorithm = r.string();
    const sigBlob = r.bytes();
    r.end();
    if (reserved.byteLength !== 0) throw fail("reserved field: expected empty");
    if (!HASHES.has(hashAlgorithm)) throw fail(`hash: expected sha256 or sha512, got ${hashAlgorithm}`);
    const sr = new SshReader(sigBlob);
    const sigType = sr.string();
    const sigBytes = sr.bytes();
    sr.end();
    return {
      publicKey: publicKeyInfo(parseSshPublicBlob(keyBlob)),
      namespace,
      hashAlgorithm: hashAlgorithm as "sha256" | "sha512",
      sigType,
      sigBytes,
    };
  } catch (err) {
    if (err instanceof SigrunError && err.code === "KEY_INVALID")
      throw new SigrunError("SIGNATURE_FORMAT_INVALID", `ssh signature: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Verifies an SSHSIG over `message` for `namespace` by `expected` (the key embedded in the signature must
 * be the same key). Returns false for a bad signature, wrong key or wrong namespace; throws only for a
 * malformed signature.
 */
export function sshsigVerify(
  message: Uint8Array,
  armored: Uint8Array | string,
  expected: PublicKeyInfo,
  namespace: string,
): boolean {
  checkNamespace(namespace);
  const sig = parseSshsig(armored);
  if (sig.namespace !== namespace) return false;
  if (sig.publicKey.keyId !== expected.keyId) return false;
  const data = signedData(namespace, sig.hashAlgorithm, message);
  const key = expected.keyObject;
  try {
    switch (expected.algorithm) {
      case "ed25519":
        return sig.sigType === "ssh-ed25519" && cryptoVerify(null, data, key, sig.sigBytes);
      case "p256":
      case "p384": {
        const type = expected.algorithm === "p256" ? "ecdsa-sha2-nistp256" : "ecdsa-sha2-nistp384";
        if (sig.sigType !== type) return false;
        const rr = new SshReader(sig.sigBytes);
        const r = rr.bytes();
        const s = rr.bytes();
        rr.end();
        const hash = expected.algorithm === "p256" ? "sha256" : "sha384";
        return cryptoVerify(hash, data, key, ecdsaRsToDer(r, s));
      }
      case "rsa": {
        const hash =
          sig.sigType === "rsa-sha2-256" ? "sha256" : sig.sigType === "rsa-sha2-512" ? "sha512" : undefined;
        return hash !== undefined && cryptoVerify(hash, data, key, sig.sigBytes);
      }
    }
  } catch {
    return false;
  }
  return false;
}
