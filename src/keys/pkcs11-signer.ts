import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import { SigrunError, toBase64Url } from "../core/index.js";
import { ecdsaP1363ToDer } from "./ecdsa-der.js";
import { publicKeyInfo } from "./public-key.js";
import { rawVerify } from "./raw-signature.js";
import type { PublicKeyInfo, Signer } from "./types.js";

type Pkcs11Module = typeof import("pkcs11js");
type Handle = Buffer;

/** Mechanisms and constants pkcs11js 2.1 does not name (PKCS#11 v3.0). */
const CKK_EC_EDWARDS = 0x40;
const CKM_EDDSA = 0x1057;
const OID_P256 = "06082a8648ce3d030107";
const ED25519_PARAMS = new Set(["06032b6570", "130c656477617264733235353139"]);

export interface Pkcs11SignerOptions {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  readonly tokenLabel: string;
  readonly tokenSerial?: string;
  /** CKA_LABEL of the key pair; give this, keyId, or both. */
  readonly keyLabel?: string;
  /** CKA_ID of the key pair. */
  readonly keyId?: Uint8Array;
  /** User PIN (read from a file or env var by the caller). */
  readonly pin: string;
}

/**
 * A Signer whose key stays on a token. `close()` closes its session, and finalizes the module if this
 * signer initialized it: with several signers on one module in a process, close them in reverse order.
 */
export interface ClosableSigner extends Signer {
  close(): Promise<void>;
}

function p11Error(what: string, err?: unknown): SigrunError {
  const detail = err instanceof Error ? `: ${err.message}` : "";
  return new SigrunError("PKCS11_ERROR", `pkcs11: ${what}${detail}`, { cause: err });
}

function ulong(v: unknown): number {
  if (!Buffer.isBuffer(v) || v.byteLength === 0 || v.byteLength > 8) throw p11Error("bad ulong attribute");
  let n = 0;
  for (let i = v.byteLength - 1; i >= 0; i--) n = n * 256 + v[i]!;
  return n;
}

/** Strips the DER OCTET STRING around CKA_EC_POINT when present (SoftHSM wraps it). */
function unwrapPoint(point: Buffer, rawLen: number): Buffer {
  if (point.byteLength === rawLen) return point;
  if (point.byteLength === rawLen + 2 && point[0] === 0x04 && point[1] === rawLen) return point.subarray(2);
  throw p11Error(`ec point: expected ${rawLen} bytes, got ${point.byteLength}`);
}

function findOne(
  p: InstanceType<Pkcs11Module["PKCS11"]>,
  m: Pkcs11Module,
  session: Handle,
  cls: number,
  opts: Pkcs11SignerOptions,
): Handle {
  const tmpl: { type: number; value: number | string | Buffer }[] = [{ type: m.CKA_CLASS, value: cls }];
  if (opts.keyLabel !== undefined) tmpl.push({ type: m.CKA_LABEL, value: opts.keyLabel });
  if (opts.keyId !== undefined) tmpl.push({ type: m.CKA_ID, value: Buffer.from(opts.keyId) });
  p.C_FindObjectsInit(session, tmpl);
  let found: Handle[];
  try {
    found = p.C_FindObjects(session, 2);
  } finally {
    p.C_FindObjectsFinal(session);
  }
  const what = cls === m.CKO_PRIVATE_KEY ? "private key" : "public key";
  if (found.length === 0) throw p11Error(`${what}: no object matches the label/id`);
  if (found.length > 1) throw p11Error(`${what}: more than one object matches; give both label and id`);
  return found[0]!;
}

/** Opens a session on the token found by label and returns a Signer for one key pair on it. */
export async function pkcs11Signer(opts: Pkcs11SignerOptions): Promise<ClosableSigner> {
  if (opts.keyLabel === undefined && opts.keyId === undefined) throw p11Error("key: give a label or an id");
  const m = createRequire(import.meta.url)("pkcs11js") as Pkcs11Module;
  const p = new m.PKCS11();
  try {
    p.load(opts.module);
  } catch (err) {
    throw p11Error(`module ${opts.module}: cannot load`, err);
  }
  let initialized = false;
  let session: Handle | undefined;
  const cleanup = () => {
    if (session !== undefined) {
      // No C_Logout: it would log out every session of this application on the token, including other
      // signers'; closing the last session logs out by itself (PKCS#11 §5.6).
      try {
        p.C_CloseSession(session);
      } catch {}
      session = undefined;
    }
    if (initialized) {
      try {
        p.C_Finalize();
      } catch {}
      initialized = false;
    }
    try {
      p.close();
    } catch {}
  };
  try {
    try {
      p.C_Initialize();
      initialized = true;
    } catch (err) {
      if ((err as { code?: number }).code !== m.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw err;
    }
    const slots = p.C_GetSlotList(true).filter((slot) => {
      const info = p.C_GetTokenInfo(slot);
      return (
        info.label.trimEnd() === opts.tokenLabel &&
        (opts.tokenSerial === undefined || info.serialNumber.trimEnd() === opts.tokenSerial)
      );
    });
    if (slots.length !== 1)
      throw p11Error(
        `token ${opts.tokenLabel}: expected exactly one token with this label, got ${slots.length}`,
      );
    session = p.C_OpenSession(slots[0]!, m.CKF_SERIAL_SESSION);
    try {
      p.C_Login(session, m.CKU_USER, opts.pin);
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === m.CKR_PIN_INCORRECT || code === m.CKR_PIN_LEN_RANGE) throw p11Error("pin: incorrect");
      if (code !== m.CKR_USER_ALREADY_LOGGED_IN) throw err;
    }
    const priv = findOne(p, m, session, m.CKO_PRIVATE_KEY, opts);
    const pubObj = findOne(p, m, session, m.CKO_PUBLIC_KEY, opts);
    const keyType = ulong(p.C_GetAttributeValue(session, pubObj, [{ type: m.CKA_KEY_TYPE }])[0]!.value);
    let keyObject: KeyObject;
    if (keyType === m.CKK_EC || keyType === CKK_EC_EDWARDS) {
      const [params, point] = p.C_GetAttributeValue(session, pubObj, [
        { type: m.CKA_EC_PARAMS },
        { type: m.CKA_EC_POINT },
      ]);
      const paramsHex = (params!.value as Buffer).toString("hex");
      if (paramsHex === OID_P256) {
        const q = unwrapPoint(point!.value as Buffer, 65);
        if (q[0] !== 4) throw p11Error("ec point: expected uncompressed");
        keyObject = createPublicKey({
          key: { kty: "EC", crv: "P-256", x: toBase64Url(q.subarray(1, 33)), y: toBase64Url(q.subarray(33)) },
          format: "jwk",
        });
      } else if (ED25519_PARAMS.has(paramsHex)) {
        const q = unwrapPoint(point!.value as Buffer, 32);
        keyObject = createPublicKey({
          key: { kty: "OKP", crv: "Ed25519", x: toBase64Url(q) },
          format: "jwk",
        });
      } else
        throw new SigrunError("KEY_UNSUPPORTED", `pkcs11: curve ${paramsHex}: expected p-256 or ed25519`);
    } else if (keyType === m.CKK_RSA) {
      const [n, e] = p.C_GetAttributeValue(session, pubObj, [
        { type: m.CKA_MODULUS },
        { type: m.CKA_PUBLIC_EXPONENT },
      ]);
      keyObject = createPublicKey({
        key: { kty: "RSA", n: toBase64Url(n!.value as Buffer), e: toBase64Url(e!.value as Buffer) },
        format: "jwk",
      });
    } else
      throw new SigrunError("KEY_UNSUPPORTED", `pkcs11: key type ${keyType}: expected ec, ed25519 or rsa`);
    const publicKey: PublicKeyInfo = publicKeyInfo(keyObject);
    if (publicKey.algorithm === "p384")
      throw new SigrunError("KEY_UNSUPPORTED", "pkcs11: p-384 is not supported");
    const sess = session;
    const signOnce = (message: Uint8Array): Uint8Array => {
      if (session === undefined) throw p11Error("signer is closed");
      const out = Buffer.alloc(1024);
      if (publicKey.algorithm === "p256") {
        p.C_SignInit(sess, { mechanism: m.CKM_ECDSA }, priv);
        const digest = createHash("sha256").update(message).digest();
        return ecdsaP1363ToDer(new Uint8Array(p.C_Sign(sess, digest, out)), 32);
      }
      if (publicKey.algorithm === "ed25519") {
        p.C_SignInit(sess, { mechanism: CKM_EDDSA }, priv);
      } else p.C_SignInit(sess, { mechanism: m.CKM_SHA256_RSA_PKCS }, priv);
      return new Uint8Array(p.C_Sign(sess, Buffer.from(message), out));
    };
    return {
      publicKey,
      sign: async (message) => {
        let sig: Uint8Array;
        try {
          sig = signOnce(message);
        } catch (err) {
          if (err instanceof SigrunError) throw err;
          throw p11Error("sign failed", err);
        }
        // The public and private objects are found separately: check they belong together.
        if (!rawVerify(publicKey.algorithm, publicKey.keyObject, message, sig))
          throw p11Error("token signature does not verify with the token's public key");
        return sig;
      },
      close: async () => cleanup(),
    };
  } catch (err) {
    cleanup();
    if (err instanceof SigrunError) throw err;
    throw p11Error("cannot open key", err);
  }
}
