import { SigrunError } from "../core/index.js";

/**
 * Converts between the DER `SEQUENCE { INTEGER r, INTEGER s }` form of an ECDSA signature (what
 * `openssl dgst -sign` and `node:crypto` produce) and the fixed-width r‖s form (PKCS#11, IEEE P1363).
 */
export function ecdsaDerToRs(der: Uint8Array): { r: Uint8Array; s: Uint8Array } {
  const bad = (what: string) => new SigrunError("SIGNATURE_FORMAT_INVALID", `ecdsa signature: ${what}`);
  if (der.byteLength < 8 || der.byteLength > 160 || der[0] !== 0x30) throw bad("expected a der sequence");
  let off = 2;
  let seqLen = der[1]!;
  if (seqLen === 0x81) {
    seqLen = der[2]!;
    off = 3;
  } else if (seqLen > 0x7f) throw bad("bad sequence length");
  if (off + seqLen !== der.byteLength) throw bad("trailing or missing bytes");
  const readInt = (): Uint8Array => {
    if (der[off] !== 0x02) throw bad("expected an integer");
    const len = der[off + 1]!;
    if (len === 0 || len > 0x7f || off + 2 + len > der.byteLength) throw bad("bad integer length");
    let v = der.subarray(off + 2, off + 2 + len);
    off += 2 + len;
    if ((v[0]! & 0x80) !== 0) throw bad("negative integer");
    if (v.byteLength > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) throw bad("non-minimal integer");
    while (v.byteLength > 1 && v[0] === 0) v = v.subarray(1);
    return v;
  };
  const r = readInt();
  const s = readInt();
  if (off !== der.byteLength) throw bad("trailing bytes");
  return { r, s };
}

/** DER-encodes r and s given as unsigned big-endian magnitudes. */
export function ecdsaRsToDer(r: Uint8Array, s: Uint8Array): Uint8Array {
  const int = (v: Uint8Array): Buffer => {
    let i = 0;
    while (i < v.byteLength - 1 && v[i] === 0) i++;
    let m = Buffer.from(v.subarray(i));
    if ((m[0]! & 0x80) !== 0) m = Buffer.concat([Buffer.from([0]), m]);
    return Buffer.concat([Buffer.from([0x02, m.byteLength]), m]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  const head = body.byteLength < 0x80 ? [0x30, body.byteLength] : [0x30, 0x81, body.byteLength];
  return new Uint8Array(Buffer.concat([Buffer.from(head), body]));
}

/** Fixed-width r‖s (each `width` bytes) to DER. */
export function ecdsaP1363ToDer(sig: Uint8Array, width: number): Uint8Array {
  if (sig.byteLength !== 2 * width)
    throw new SigrunError(
      "SIGNATURE_FORMAT_INVALID",
      `ecdsa signature: expected ${2 * width} bytes, got ${sig.byteLength}`,
    );
  return ecdsaRsToDer(sig.subarray(0, width), sig.subarray(width));
}
