import { SigrunError, toBase64 } from "../core/index.js";
import type { Signer } from "../keys/index.js";
import { type BundleCaps, bundleCaps } from "./caps.js";
import { envelopePayload, MANIFEST_PAYLOAD_TYPE, pae } from "./dsse.js";
import { assembleBundle, type ParsedBundle, parseBundle } from "./pack.js";

/** The exact bytes a bundle signer signs: DSSE PAE over the manifest. */
export function bundleSigningMessage(parsed: ParsedBundle): Uint8Array {
  return pae(MANIFEST_PAYLOAD_TYPE, parsed.manifestBytes);
}

/**
 * Adds a signature to a `.sgb` (k-of-n: call once per key). Refuses a second signature by the same key
 * and a bundle whose manifest differs from its envelope payload.
 */
export async function signBundle(
  bytes: Uint8Array,
  signer: Signer,
  caps?: Partial<BundleCaps>,
): Promise<Uint8Array> {
  const parsed = parseBundle(bytes, bundleCaps(caps));
  const sig = await signer.sign(bundleSigningMessage(parsed));
  return addSignature(parsed, signer.publicKey.keyId, sig);
}

/** Adds an already-made signature (e.g. from a remote signer) after the caller has verified it. */
export function addSignature(parsed: ParsedBundle, keyId: string, signature: Uint8Array): Uint8Array {
  if (Buffer.compare(envelopePayload(parsed.envelope), parsed.manifestBytes) !== 0) {
    throw new SigrunError(
      "SIGNATURE_INVALID",
      "manifest.json differs from the envelope payload; refusing to sign",
    );
  }
  if (parsed.envelope.signatures.some((s) => s.keyid === keyId)) {
    throw new SigrunError("INPUT_INVALID", `bundle is already signed by ${keyId}`);
  }
  const envelope = {
    ...parsed.envelope,
    signatures: [...parsed.envelope.signatures, { keyid: keyId, sig: toBase64(signature) }],
  };
  const files = parsed.manifest.files.map((f) => ({ name: f.path, data: parsed.files.get(f.path)! }));
  return assembleBundle(parsed.manifestBytes, envelope, files);
}
