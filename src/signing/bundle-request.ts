import {
  addSignature,
  bundleCaps,
  bundleSigningMessage,
  type ParsedBundle,
  parseBundle,
  sha256Hex,
} from "../bundle/index.js";
import { SigrunError, utf8Decode } from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";

/** A parsed bundle the signer has checked itself: every file's digest matches the manifest. */
export interface CheckedBundle {
  readonly parsed: ParsedBundle;
  readonly manifestText: string;
  readonly script: { readonly path: string; readonly text: string };
  readonly policy: { readonly path: string; readonly text: string };
}

export function checkBundleForReview(bytes: Uint8Array): CheckedBundle {
  const parsed = parseBundle(bytes, bundleCaps());
  for (const f of parsed.manifest.files) {
    const data = parsed.files.get(f.path);
    if (data === undefined || data.byteLength !== f.size || sha256Hex(data) !== f.sha256)
      throw new SigrunError("DIGEST_MISMATCH", `bundle file ${f.path}: content does not match the manifest`);
  }
  const text = (path: string, what: string) => {
    const data = parsed.files.get(path);
    if (data === undefined) throw new SigrunError("BUNDLE_MALFORMED", `bundle: ${what} ${path} missing`);
    return { path, text: utf8Decode(data, `bundle ${what}`) };
  };
  return {
    parsed,
    manifestText: JSON.stringify(JSON.parse(utf8Decode(parsed.manifestBytes, "manifest")), null, 2),
    script: text(parsed.manifest.entry, "script"),
    policy: text(parsed.manifest.policy, "policy"),
  };
}

/** Signer side: the DSSE signature over the manifest (the same bytes `sigrun bundle sign` signs). */
export function signCheckedBundle(signer: Signer, b: CheckedBundle): Promise<Uint8Array> {
  return signer.sign(bundleSigningMessage(b.parsed));
}

/** Initiator side: verifies the returned signature against the pinned key, then adds it to the `.sgb`. */
export function verifyRemoteBundleSignature(
  bytes: Uint8Array,
  signature: Uint8Array,
  key: PublicKeyInfo,
): Uint8Array {
  const parsed = parseBundle(bytes, bundleCaps());
  let ok = false;
  try {
    ok = rawVerify(key.algorithm, key.keyObject, bundleSigningMessage(parsed), signature);
  } catch (err) {
    throw new SigrunError("SIGNATURE_INVALID", "bundle: returned signature is malformed", { cause: err });
  }
  if (!ok)
    throw new SigrunError(
      "SIGNATURE_INVALID",
      "bundle: returned signature does not verify against the pinned key",
    );
  return addSignature(parsed, key.keyId, signature);
}
