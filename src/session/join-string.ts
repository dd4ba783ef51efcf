import { fromBase64, fromBase64Url, SigrunError, toBase64, toBase64Url } from "../core/index.js";
import {
  asArray,
  asBytes,
  asText,
  asUint,
  type CborLimits,
  type CborValue,
  cborDecode,
  cborEncode,
} from "./cbor.js";

/**
 * The join string (docs/spec/session.md §2): a versioned CBOR array carried as one base64url line or
 * a PEM block `SIGRUN JOIN STRING`.
 *
 *   public-key    [1, 1, suite=1, kexKeyId(8), enc(32), ciphertext]   (HPKE sealed payload inside)
 *   shared-secret [1, 2, suite=2, relay, routingId(16), sid(16), expiry, signerKeyId(16),
 *                  maxSignatures, context, Ya(32)]
 */
export const JOIN_VERSION = 1;
export const MODE_PUBLIC_KEY = 1;
export const MODE_SHARED_SECRET = 2;
/** DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305. */
export const SUITE_HPKE_X25519_CHACHA = 1;
/** CPace ristretto255 / SHA-512 + HKDF-SHA256 + ChaCha20-Poly1305. */
export const SUITE_CPACE_RISTRETTO255 = 2;

export const JOIN_CAPS = {
  maxPublicKeyJoinBytes: 300,
  maxJoinBytes: 1024,
  maxTextChars: 4096,
  maxRelayUrlBytes: 160,
  maxContextBytes: 100,
  maxSignatures: 10000,
} as const;

const PEM_LABEL = "SIGRUN JOIN STRING";
const CBOR_LIMITS: CborLimits = {
  maxBytes: JOIN_CAPS.maxJoinBytes,
  maxDepth: 2,
  maxItems: 32,
  maxString: 1024,
};

/** What the initiator tells the signer (sealed in public-key mode, clear in shared-secret mode). */
export interface JoinPayload {
  readonly relay: string;
  readonly routingId: Uint8Array;
  readonly expiry: number;
  readonly signerKeyId: Uint8Array;
  readonly maxSignatures: number;
  readonly context: string;
}

export interface SealedPayload extends JoinPayload {
  readonly initiatorEphemeral: Uint8Array;
}

export interface PublicKeyJoin {
  readonly mode: "public-key";
  readonly kexKeyId: Uint8Array;
  readonly enc: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export interface SharedSecretJoin extends JoinPayload {
  readonly mode: "shared-secret";
  readonly sid: Uint8Array;
  readonly share: Uint8Array;
}

export type JoinString = PublicKeyJoin | SharedSecretJoin;

function invalid(message: string, cause?: unknown): never {
  throw new SigrunError("JOIN_STRING_INVALID", message, cause === undefined ? undefined : { cause });
}

function checkRelay(url: string): string {
  if (!/^wss?:\/\/[\x21-\x7e]+$/.test(url))
    invalid(`relay: expected a ws:// or wss:// url, got ${JSON.stringify(url.slice(0, 40))}`);
  return url;
}

function checkContext(text: string): string {
  if (/[\x00-\x1f\x7f]/.test(text)) invalid("context: control characters are not allowed");
  return text;
}

/** The clear header of a public-key join string; it is the HPKE `aad`. */
export function publicKeyHeader(kexKeyId: Uint8Array): Uint8Array {
  return cborEncode([JOIN_VERSION, MODE_PUBLIC_KEY, SUITE_HPKE_X25519_CHACHA, kexKeyId]);
}

export function encodeJoin(join: JoinString): Uint8Array {
  if (join.mode === "public-key") {
    const bytes = cborEncode([
      JOIN_VERSION,
      MODE_PUBLIC_KEY,
      SUITE_HPKE_X25519_CHACHA,
      join.kexKeyId,
      join.enc,
      join.ciphertext,
    ]);
    if (bytes.byteLength > JOIN_CAPS.maxPublicKeyJoinBytes)
      throw new SigrunError(
        "LIMIT_EXCEEDED",
        `join string: expected at most ${JOIN_CAPS.maxPublicKeyJoinBytes} bytes, got ${bytes.byteLength} (shorten --context or the relay url)`,
      );
    return bytes;
  }
  return cborEncode([
    JOIN_VERSION,
    MODE_SHARED_SECRET,
    SUITE_CPACE_RISTRETTO255,
    checkRelay(join.relay),
    join.routingId,
    join.sid,
    join.expiry,
    join.signerKeyId,
    join.maxSignatures,
    checkContext(join.context),
    join.share,
  ]);
}

export function decodeJoin(bytes: Uint8Array): JoinString {
  let v: CborValue;
  try {
    v = cborDecode(bytes, CBOR_LIMITS);
    const a = asArray(v, "join string", 6, 11);
    const version = asUint(a[0], "version");
    if (version !== JOIN_VERSION)
      throw new SigrunError("UNSUPPORTED_VERSION", `join string: version ${version}`);
    const mode = asUint(a[1], "mode");
    const suite = asUint(a[2], "suite");
    if (mode === MODE_PUBLIC_KEY) {
      asArray(v, "join string", 6);
      if (suite !== SUITE_HPKE_X25519_CHACHA)
        invalid(`suite: expected ${SUITE_HPKE_X25519_CHACHA}, got ${suite}`);
      if (bytes.byteLength > JOIN_CAPS.maxPublicKeyJoinBytes)
        invalid("join string: too long for public-key mode");
      return {
        mode: "public-key",
        kexKeyId: asBytes(a[3], "kexKeyId", 8),
        enc: asBytes(a[4], "enc", 32),
        ciphertext: asBytes(a[5], "ciphertext", 17, JOIN_CAPS.maxPublicKeyJoinBytes),
      };
    }
    if (mode === MODE_SHARED_SECRET) {
      asArray(v, "join string", 11);
      if (suite !== SUITE_CPACE_RISTRETTO255)
        invalid(`suite: expected ${SUITE_CPACE_RISTRETTO255}, got ${suite}`);
      return {
        mode: "shared-secret",
        relay: checkRelay(asText(a[3], "relay", JOIN_CAPS.maxRelayUrlBytes)),
        routingId: asBytes(a[4], "routingId", 16),
        sid: asBytes(a[5], "sid", 16),
        expiry: asUint(a[6], "expiry"),
        signerKeyId: asBytes(a[7], "signerKeyId", 16),
        maxSignatures: asUint(a[8], "maxSignatures", JOIN_CAPS.maxSignatures),
        context: checkContext(asText(a[9], "context", JOIN_CAPS.maxContextBytes)),
        share: asBytes(a[10], "share", 32),
      };
    }
    return invalid(`mode: expected 1 or 2, got ${mode}`);
  } catch (err) {
    if (err instanceof SigrunError && err.code === "INPUT_INVALID")
      invalid(`join string: ${err.message}`, err);
    throw err;
  }
}

export function encodeSealedPayload(p: SealedPayload): Uint8Array {
  return cborEncode([
    checkRelay(p.relay),
    p.routingId,
    p.initiatorEphemeral,
    p.expiry,
    p.signerKeyId,
    p.maxSignatures,
    checkContext(p.context),
  ]);
}

export function decodeSealedPayload(bytes: Uint8Array): SealedPayload {
  try {
    const a = asArray(cborDecode(bytes, CBOR_LIMITS), "sealed payload", 7);
    return {
      relay: checkRelay(asText(a[0], "relay", JOIN_CAPS.maxRelayUrlBytes)),
      routingId: asBytes(a[1], "routingId", 16),
      initiatorEphemeral: asBytes(a[2], "initiatorEphemeral", 32),
      expiry: asUint(a[3], "expiry"),
      signerKeyId: asBytes(a[4], "signerKeyId", 16),
      maxSignatures: asUint(a[5], "maxSignatures", JOIN_CAPS.maxSignatures),
      context: checkContext(asText(a[6], "context", JOIN_CAPS.maxContextBytes)),
    };
  } catch (err) {
    if (err instanceof SigrunError && err.code === "INPUT_INVALID")
      invalid(`sealed payload: ${err.message}`, err);
    throw err;
  }
}

/** The base64url one-liner. */
export function joinToLine(bytes: Uint8Array): string {
  return toBase64Url(bytes);
}

/** The PEM block (standard base64, 64 columns). */
export function joinToPem(bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${PEM_LABEL}-----\n${lines.join("\n")}\n-----END ${PEM_LABEL}-----\n`;
}

/**
 * Reads a join string from text: a PEM block (lines starting with `#` outside the block are ignored)
 * or a base64url one-liner. Strict: canonical encodings only, nothing after the block.
 */
export function parseJoinText(text: string): Uint8Array {
  if (text.length > JOIN_CAPS.maxTextChars)
    invalid(`join string: longer than ${JOIN_CAPS.maxTextChars} characters`);
  const trimmed = text.trim();
  const begin = `-----BEGIN ${PEM_LABEL}-----`;
  const end = `-----END ${PEM_LABEL}-----`;
  try {
    if (trimmed.includes("-----BEGIN")) {
      const lines = trimmed
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length > 0 && !l.startsWith("#"));
      if (lines[0] !== begin || lines[lines.length - 1] !== end)
        invalid(`join string: expected one ${PEM_LABEL} PEM block`);
      const body = lines.slice(1, -1);
      if (body.length === 0 || body.some((l) => l.length > 64)) invalid("join string: malformed PEM body");
      return fromBase64(body.join(""), "join string");
    }
    if (/\s/.test(trimmed)) invalid("join string: expected one base64url line");
    return fromBase64Url(trimmed, "join string");
  } catch (err) {
    if (err instanceof SigrunError && err.code === "INPUT_INVALID") invalid(err.message, err);
    throw err;
  }
}
