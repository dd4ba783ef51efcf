import { bytesEqual, SigrunError, utf8Encode } from "../core/index.js";
import { asArray, asBytes, asUint, cborDecode, cborEncode } from "./cbor.js";
import { hkdfSha256, hmacSha256, lvCat, sha256 } from "./primitives.js";

/**
 * Key schedule shared by both modes (docs/spec/session.md §4):
 *   TH   = SHA-256(lv_cat("sigrun-session-v1 transcript", join_bytes, signer_share))
 *   keys = HKDF-SHA256(ikm, salt = TH, info = "sigrun-session-v1 " + label)
 * ikm = X25519(e_s, E_i) || HPKE-Export("sigrun-session-v1 exporter", 32) in public-key mode,
 * ikm = CPace ISK in shared-secret mode.
 */
export const PROTOCOL_LABEL = "sigrun-session-v1";

export interface SessionKeys {
  readonly transcriptHash: Uint8Array;
  readonly i2sKey: Uint8Array;
  readonly i2sIv: Uint8Array;
  readonly s2iKey: Uint8Array;
  readonly s2iIv: Uint8Array;
  readonly initiatorConfirmKey: Uint8Array;
  readonly signerConfirmKey: Uint8Array;
  /** 8 bytes for the optional short authentication string. */
  readonly sas: Uint8Array;
}

export function transcriptHash(joinBytes: Uint8Array, signerShare: Uint8Array): Uint8Array {
  return sha256(lvCat(utf8Encode(`${PROTOCOL_LABEL} transcript`), joinBytes, signerShare));
}

export function deriveSessionKeys(ikm: Uint8Array, th: Uint8Array): SessionKeys {
  const k = (label: string, len: number) => hkdfSha256(ikm, th, `${PROTOCOL_LABEL} ${label}`, len);
  return {
    transcriptHash: th,
    i2sKey: k("i2s key", 32),
    i2sIv: k("i2s iv", 12),
    s2iKey: k("s2i key", 32),
    s2iIv: k("s2i iv", 12),
    initiatorConfirmKey: k("initiator confirm", 32),
    signerConfirmKey: k("signer confirm", 32),
    sas: k("sas", 8),
  };
}

export function signerConfirmTag(keys: SessionKeys): Uint8Array {
  return hmacSha256(keys.signerConfirmKey, keys.transcriptHash);
}

export function initiatorConfirmTag(keys: SessionKeys): Uint8Array {
  return hmacSha256(keys.initiatorConfirmKey, keys.transcriptHash);
}

export function checkTag(expected: Uint8Array, got: Uint8Array, who: string): void {
  if (!bytesEqual(expected, got))
    throw new SigrunError("HANDSHAKE_FAILED", `${who} key confirmation: tag does not verify`);
}

/** The signer's answer, carried as the relay `join` context: CBOR [1, share(32), tag(32)]. */
export interface SignerHello {
  readonly share: Uint8Array;
  readonly tag: Uint8Array;
}

export function encodeSignerHello(h: SignerHello): Uint8Array {
  return cborEncode([1, h.share, h.tag]);
}

export function decodeSignerHello(bytes: Uint8Array): SignerHello {
  try {
    const a = asArray(
      cborDecode(bytes, { maxBytes: 128, maxDepth: 1, maxItems: 4, maxString: 64 }),
      "signer hello",
      3,
    );
    if (asUint(a[0], "signer hello version") !== 1)
      throw new SigrunError("UNSUPPORTED_VERSION", "signer hello: unknown version");
    return { share: asBytes(a[1], "signer hello share", 32), tag: asBytes(a[2], "signer hello tag", 32) };
  } catch (err) {
    if (err instanceof SigrunError && err.code === "INPUT_INVALID")
      throw new SigrunError("HANDSHAKE_FAILED", err.message, { cause: err });
    throw err;
  }
}
