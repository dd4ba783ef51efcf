import { SigrunError } from "../core/index.js";
import {
  asArray,
  asBytes,
  asText,
  asUint,
  type CborValue,
  cborDecode,
  cborEncode,
} from "../session/index.js";

/**
 * Application messages inside the channel (docs/spec/session.md §6). Each is the CBOR plaintext of one
 * frame whose header type names it. `data` frames carry raw artifact bytes (no CBOR).
 *
 *   confirm  i→s [tag(32)]
 *   ready    s→i [signingKeyId text, algorithm text, maxSignatures]
 *   request  i→s [reqId, kind "file"|"bundle", name, size, sha256(32), format]  + data frames (size bytes)
 *   response s→i [reqId, signature]
 *   reject   both [reqId (0 = whole session), code, reason]
 *   error    both [code, reason]
 *   close    both [reason]
 *   provenance i→s [token text]   (optional, right after ready)
 */
export const REQUEST_KINDS = ["file", "bundle"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REMOTE_FORMATS = ["raw", "ssh", "openpgp", "bundle"] as const;
export type RemoteFormat = (typeof REMOTE_FORMATS)[number];

export const MESSAGE_CAPS = {
  maxName: 255,
  maxReason: 300,
  maxCode: 64,
  maxSignature: 16 * 1024,
  maxArtifactBytes: 256 * 1024 * 1024,
} as const;

const LIMITS = { maxBytes: 64 * 1024, maxDepth: 1, maxItems: 8, maxString: 32 * 1024 };

export interface SignRequest {
  readonly reqId: number;
  readonly kind: RequestKind;
  readonly name: string;
  readonly size: number;
  readonly sha256: Uint8Array;
  readonly format: RemoteFormat;
}

export interface Ready {
  readonly signingKeyId: string;
  readonly algorithm: string;
  readonly maxSignatures: number;
}

export interface Reject {
  readonly reqId: number;
  readonly code: string;
  readonly reason: string;
}

function decode(bytes: Uint8Array, what: string, n: number): readonly CborValue[] {
  try {
    return asArray(cborDecode(bytes, LIMITS), what, n);
  } catch (err) {
    throw new SigrunError("CHANNEL_ERROR", `${what}: ${(err as Error).message}`, { cause: err });
  }
}

function guard<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof SigrunError && err.code === "CHANNEL_ERROR") throw err;
    throw new SigrunError("CHANNEL_ERROR", `${what}: ${(err as Error).message}`, { cause: err });
  }
}

export const encodeConfirm = (tag: Uint8Array) => cborEncode([tag]);
export const decodeConfirm = (b: Uint8Array) =>
  guard("confirm", () => asBytes(decode(b, "confirm", 1)[0], "tag", 32));

export const encodeReady = (r: Ready) => cborEncode([r.signingKeyId, r.algorithm, r.maxSignatures]);
export function decodeReady(b: Uint8Array): Ready {
  return guard("ready", () => {
    const a = decode(b, "ready", 3);
    return {
      signingKeyId: asText(a[0], "signingKeyId", 80),
      algorithm: asText(a[1], "algorithm", 16),
      maxSignatures: asUint(a[2], "maxSignatures", 1_000_000),
    };
  });
}

/**
 * A plain file name a human can read as sent: no path separators, no C0/C1 controls (C1 CSI needs no
 * ESC), no bidi overrides/isolates, zero-width or line-separator characters, no lone surrogates.
 */
const UNSAFE_NAME = /[\x00-\x1f\x7f-\x9f/\\\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udfff]/u;

function checkName(name: string): string {
  if (name.length === 0 || UNSAFE_NAME.test(name) || name === "." || name === "..")
    throw new SigrunError(
      "CHANNEL_ERROR",
      `request.name: expected a plain file name, got ${JSON.stringify(name.slice(0, 40))}`,
    );
  return name;
}

export function encodeRequest(r: SignRequest): Uint8Array {
  return cborEncode([r.reqId, r.kind, checkName(r.name), r.size, r.sha256, r.format]);
}

export function decodeRequest(b: Uint8Array): SignRequest {
  return guard("request", () => {
    const a = decode(b, "request", 6);
    const kind = asText(a[1], "kind", 16);
    if (!(REQUEST_KINDS as readonly string[]).includes(kind))
      throw new SigrunError("CHANNEL_ERROR", `request.kind: unknown ${kind}`);
    const format = asText(a[5], "format", 16);
    if (!(REMOTE_FORMATS as readonly string[]).includes(format))
      throw new SigrunError("CHANNEL_ERROR", `request.format: unknown ${format}`);
    if ((kind === "bundle") !== (format === "bundle"))
      throw new SigrunError("CHANNEL_ERROR", "request: kind bundle goes with format bundle only");
    return {
      reqId: asUint(a[0], "reqId", 2 ** 32),
      kind: kind as RequestKind,
      name: checkName(asText(a[2], "name", MESSAGE_CAPS.maxName)),
      size: asUint(a[3], "size", MESSAGE_CAPS.maxArtifactBytes),
      sha256: asBytes(a[4], "sha256", 32),
      format: format as RemoteFormat,
    };
  });
}

export const encodeResponse = (reqId: number, signature: Uint8Array) => cborEncode([reqId, signature]);
export function decodeResponse(b: Uint8Array): { reqId: number; signature: Uint8Array } {
  return guard("response", () => {
    const a = decode(b, "response", 2);
    return {
      reqId: asUint(a[0], "reqId"),
      signature: asBytes(a[1], "signature", 1, MESSAGE_CAPS.maxSignature),
    };
  });
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

export const encodeReject = (r: Reject) =>
  cborEncode([r.reqId, clip(r.code, MESSAGE_CAPS.maxCode), clip(r.reason, MESSAGE_CAPS.maxReason)]);
export function decodeReject(b: Uint8Array): Reject {
  return guard("reject", () => {
    const a = decode(b, "reject", 3);
    return {
      reqId: asUint(a[0], "reqId"),
      code: asText(a[1], "code", MESSAGE_CAPS.maxCode * 4),
      reason: asText(a[2], "reason", MESSAGE_CAPS.maxReason * 4),
    };
  });
}

export const encodeError = (code: string, reason: string) =>
  cborEncode([clip(code, MESSAGE_CAPS.maxCode), clip(reason, MESSAGE_CAPS.maxReason)]);
export function decodeError(b: Uint8Array): { code: string; reason: string } {
  return guard("error", () => {
    const a = decode(b, "error", 2);
    return {
      code: asText(a[0], "code", MESSAGE_CAPS.maxCode * 4),
      reason: asText(a[1], "reason", MESSAGE_CAPS.maxReason * 4),
    };
  });
}

export const encodeClose = (reason: string) => cborEncode([clip(reason, MESSAGE_CAPS.maxReason)]);
export function decodeClose(b: Uint8Array): string {
  return guard("close", () => asText(decode(b, "close", 1)[0], "reason", MESSAGE_CAPS.maxReason * 4));
}

export const encodeProvenance = (token: string) => cborEncode([token]);
export function decodeProvenance(b: Uint8Array): string {
  return guard("provenance", () => asText(decode(b, "provenance", 1)[0], "token", 8192));
}
