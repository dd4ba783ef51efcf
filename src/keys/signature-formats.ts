import { SigrunError, utf8Encode } from "../core/index.js";
import {
  isOpenPgpPublicKey,
  openPgpCertPrimaryKey,
  openPgpSign,
  openPgpVerifyWithCert,
  openPgpVerifyWithKey,
  readOpenPgpSignature,
} from "./openpgp.js";
import { parsePublicKey } from "./public-key.js";
import { rawVerify } from "./raw-signature.js";
import { sshsigSign, sshsigVerify } from "./sshsig.js";
import type { PublicKeyInfo, Signer } from "./types.js";

export const SIGNATURE_FORMATS = ["raw", "ssh", "openpgp"] as const;
export type SignatureFormat = (typeof SIGNATURE_FORMATS)[number];

export const DEFAULT_SSH_NAMESPACE = "file";

export interface SignFileOptions {
  /** SSHSIG namespace (default `file`). */
  readonly namespace?: string;
  /** OpenPGP signature creation time (default now). */
  readonly now?: Date;
}

export function parseSignatureFormat(value: string): SignatureFormat {
  if (!(SIGNATURE_FORMATS as readonly string[]).includes(value))
    throw new SigrunError("USAGE", `format: expected one of ${SIGNATURE_FORMATS.join(", ")}, got ${value}`);
  return value as SignatureFormat;
}

/**
 * Signs `data` in one of the detached formats. raw → binary bytes (openssl-compatible); ssh → armored
 * SSHSIG text; openpgp → armored OpenPGP signature text. Text formats are returned as UTF-8 bytes.
 */
export async function signFile(
  signer: Signer,
  data: Uint8Array,
  format: SignatureFormat,
  opts: SignFileOptions = {},
): Promise<Uint8Array> {
  switch (format) {
    case "raw":
      return signer.sign(data);
    case "ssh":
      return utf8Encode(await sshsigSign(signer, data, opts.namespace ?? DEFAULT_SSH_NAMESPACE));
    case "openpgp":
      return utf8Encode(await openPgpSign(signer, data, opts.now));
    default:
      throw new SigrunError("USAGE", `format: unknown ${String(format)}`);
  }
}

/** Guesses the format of a detached signature: armored SSHSIG / OpenPGP, binary OpenPGP packet, else raw. */
export function detectSignatureFormat(sig: Uint8Array): SignatureFormat {
  const head = Buffer.from(sig.subarray(0, 64)).toString("latin1").trimStart();
  if (head.startsWith("-----BEGIN SSH SIGNATURE-----")) return "ssh";
  if (head.startsWith("-----BEGIN PGP SIGNATURE-----")) return "openpgp";
  if (sig.byteLength > 0 && (sig[0]! & 0x80) !== 0) {
    try {
      readOpenPgpSignature(sig);
      return "openpgp";
    } catch {
      return "raw";
    }
  }
  return "raw";
}

export interface VerifyDetachedOptions {
  readonly format?: SignatureFormat;
  readonly namespace?: string;
  readonly now?: Date;
}

export interface VerifyDetachedResult {
  readonly ok: boolean;
  readonly format: SignatureFormat;
  /** Key id of the key that verified (for an OpenPGP certificate, the signing subkey), else of `--pub`. */
  readonly keyId: string;
}

/**
 * Verifies a detached signature over `data`. `publicKey` is the bytes of a public key file (SPKI PEM,
 * certificate, OpenSSH `.pub`, or an OpenPGP certificate for openpgp signatures) or a loaded key.
 * Returns ok=false for a signature that does not verify; throws SIGNATURE_FORMAT_INVALID / KEY_* for
 * malformed input.
 */
export async function verifyDetached(
  data: Uint8Array,
  sig: Uint8Array,
  publicKey: Uint8Array | PublicKeyInfo,
  opts: VerifyDetachedOptions = {},
): Promise<VerifyDetachedResult> {
  const cert = publicKey instanceof Uint8Array && isOpenPgpPublicKey(publicKey);
  const format = opts.format ?? (cert ? "openpgp" : detectSignatureFormat(sig));
  if (cert) {
    if (format !== "openpgp")
      throw new SigrunError(
        "KEY_UNSUPPORTED",
        `${format} signature: an openpgp public key only verifies openpgp`,
      );
    const signing = await openPgpVerifyWithCert(data, sig, publicKey, opts.now);
    if (signing) return { ok: true, format, keyId: signing.keyId };
    return { ok: false, format, keyId: (await openPgpCertPrimaryKey(publicKey)).keyId };
  }
  const pub = publicKey instanceof Uint8Array ? parsePublicKey(publicKey) : publicKey;
  let ok: boolean;
  if (format === "raw") {
    if (sig.byteLength > 1024)
      throw new SigrunError("SIGNATURE_FORMAT_INVALID", "raw signature: larger than 1 KiB");
    ok = rawVerify(pub.algorithm, pub.keyObject, data, sig);
  } else if (format === "ssh") ok = sshsigVerify(data, sig, pub, opts.namespace ?? DEFAULT_SSH_NAMESPACE);
  else ok = openPgpVerifyWithKey(data, sig, pub);
  return { ok, format, keyId: pub.keyId };
}
