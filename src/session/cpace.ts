import { randomBytes } from "node:crypto";
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { concatBytes, SigrunError, utf8Encode } from "../core/index.js";
import { lvCat, prependLen, sha512 } from "./primitives.js";

/**
 * CPace (draft-irtf-cfrg-cpace), cipher suite CPACE-RISTR255-SHA512, initiator/responder setting
 * (transcript_ir). Checked against the draft's test vectors in src/session/cpace.test.ts.
 * K is never exposed; callers get ISK only.
 */
const DSI = utf8Encode("CPaceRistretto255");
const DSI_ISK = utf8Encode("CPaceRistretto255_ISK");
const S_IN_BYTES = 128; // SHA-512 input block size
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

type Point = InstanceType<typeof ristretto255.Point>;

export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const zpadLen = Math.max(0, S_IN_BYTES - 1 - prependLen(prs).byteLength - prependLen(DSI).byteLength);
  return lvCat(DSI, prs, new Uint8Array(zpadLen), ci, sid);
}

export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Point {
  const h = sha512(generatorString(prs, ci, sid)); // H.hash(gen_str, 2 * field_size_bytes) = 64 bytes
  return ristretto255_hasher.deriveToCurve!(h) as Point;
}

function scalarFromLe(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.byteLength - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** G.sample_scalar(): 32 random bytes, bits above 252 cleared, little-endian; never zero. */
export function sampleScalar(): Uint8Array {
  for (;;) {
    const s = new Uint8Array(randomBytes(32));
    s[31]! &= 0x0f;
    const v = scalarFromLe(s);
    if (v !== 0n && v < GROUP_ORDER) return s;
  }
}

export function scalarMult(y: Uint8Array, g: Point): Uint8Array {
  return g.multiply(scalarFromLe(y)).toBytes();
}

/** G.scalar_mult_vfy: undefined (G.I) when X does not decode or the result is the identity. */
export function scalarMultVfy(y: Uint8Array, x: Uint8Array): Uint8Array | undefined {
  let p: Point;
  try {
    p = ristretto255.Point.fromBytes(x) as Point;
  } catch {
    return undefined;
  }
  if (p.is0()) return undefined;
  const k = p.multiply(scalarFromLe(y));
  if (k.is0()) return undefined;
  return k.toBytes();
}

export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return concatBytes(lvCat(ya, ada), lvCat(yb, adb));
}

export function isk(sid: Uint8Array, k: Uint8Array, transcript: Uint8Array): Uint8Array {
  return sha512(lvCat(DSI_ISK, sid, k), transcript);
}

export interface CPaceInputs {
  readonly prs: Uint8Array;
  readonly ci: Uint8Array;
  readonly sid: Uint8Array;
}

/** Party A (initiator): Ya = ya·g. Keep `scalar` secret; finish with `cpaceFinishA`. */
export function cpaceStart(
  inputs: CPaceInputs,
  scalar: Uint8Array = sampleScalar(),
): {
  scalar: Uint8Array;
  share: Uint8Array;
} {
  return { scalar, share: scalarMult(scalar, calculateGenerator(inputs.prs, inputs.ci, inputs.sid)) };
}

/** Computes ISK for either party; `ya/ada` are A's share and AD, `yb/adb` B's. */
export function cpaceFinish(
  inputs: CPaceInputs,
  ownScalar: Uint8Array,
  peerShare: Uint8Array,
  ya: Uint8Array,
  ada: Uint8Array,
  yb: Uint8Array,
  adb: Uint8Array,
): Uint8Array {
  const k = scalarMultVfy(ownScalar, peerShare);
  if (k === undefined)
    throw new SigrunError("HANDSHAKE_FAILED", "cpace: peer share is invalid or the identity");
  return isk(inputs.sid, k, transcriptIr(ya, ada, yb, adb));
}
