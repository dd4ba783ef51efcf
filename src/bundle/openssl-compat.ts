import { SigrunError } from "../core/errors.js";
import { rawVerify } from "../keys/raw-signature.js";
import { type BundleCaps, bundleCaps } from "./caps.js";
import { gunzipCapped } from "./gzip.js";
import type { Manifest } from "./manifest.js";
import { sha256Hex } from "./pack.js";
import { assertBundlePath } from "./paths.js";
import { readTar } from "./tar.js";
import { requiredSignatures, type TrustStore, trustedKey } from "./trust-store.js";
import type { VerifiedBundle } from "./verify.js";

export const CLASSIC_SCRIPT = "script.rhai";
export const CLASSIC_POLICY = "policy.cedar";

export interface OpensslVerifyOptions {
  readonly trust: TrustStore;
  /** As for verifyBundle: the trust store's threshold is the minimum; the classic form carries one signature. */
  readonly threshold?: number;
  readonly caps?: Partial<BundleCaps>;
}

/**
 * Verifies the classic form: `tar czf bundle.tar.gz script.rhai policy.cedar` signed with
 * `openssl dgst -sha256 -sign private.pem -out bundle.sig bundle.tar.gz` (RSA or EC; Ed25519 through
 * `openssl pkeyutl -sign -rawin`). The signature covers the exact tar.gz bytes. The archive is then read in
 * memory with the same rules as `.sgb` (regular files, safe names, no duplicates, capped size). It has no
 * expiry or target; its id is the first 128 bits of the tar.gz's SHA-256.
 */
export function verifyOpensslBundle(
  tgz: Uint8Array,
  signature: Uint8Array,
  opts: OpensslVerifyOptions,
): VerifiedBundle {
  const caps = bundleCaps(opts.caps);
  if (tgz.byteLength > caps.maxArchiveBytes) throw new SigrunError("BUNDLE_MALFORMED", "archive: too large");
  if (signature.byteLength === 0 || signature.byteLength > 2048)
    throw new SigrunError("SIGNATURE_INVALID", "signature: bad length");
  const threshold = requiredSignatures(opts.trust, opts.threshold);
  const signers = [];
  let revoked = false;
  let otherPurpose = false;
  for (const key of opts.trust.keys.values()) {
    if (trustedKey(opts.trust, key.keyId, "bundle") === undefined) {
      if (rawVerify(key.algorithm, key.keyObject, tgz, signature)) otherPurpose = true;
      continue;
    }
    if (!rawVerify(key.algorithm, key.keyObject, tgz, signature)) continue;
    if (opts.trust.revoked.has(key.keyId)) revoked = true;
    else signers.push({ keyId: key.keyId, algorithm: key.algorithm });
  }
  if (signers.length === 0) {
    if (revoked) throw new SigrunError("SIGNER_REVOKED", "signed by a revoked key");
    if (otherPurpose)
      throw new SigrunError("SIGNER_UNTRUSTED", "signed by a key that is not trusted for bundles (purposes)");
    throw new SigrunError("SIGNATURE_INVALID", "signature does not verify with any trusted key");
  }
  if (threshold > 1) {
    throw new SigrunError(
      "THRESHOLD_NOT_MET",
      `the openssl form carries one signature; threshold is ${threshold}`,
    );
  }
  const tar = gunzipCapped(tgz, caps.maxArchiveBytes);
  const files = new Map<string, Uint8Array>();
  for (const e of readTar(tar, { maxEntries: caps.maxEntries, allowDirectories: true })) {
    const name = e.name.startsWith("./") ? e.name.slice(2) : e.name;
    assertBundlePath(name, "archive entry");
    if (files.has(name))
      throw new SigrunError("BUNDLE_MALFORMED", `archive: duplicate entry ${JSON.stringify(name)}`);
    files.set(name, e.data);
  }
  for (const required of [CLASSIC_SCRIPT, CLASSIC_POLICY]) {
    if (!files.has(required)) throw new SigrunError("BUNDLE_MALFORMED", `archive: missing ${required}`);
  }
  const digest = sha256Hex(tgz);
  const manifest: Manifest = {
    version: 1,
    id: digest.slice(0, 32),
    created: "1970-01-01T00:00:00Z",
    notAfter: "9999-12-31T23:59:59Z",
    targets: [],
    entry: CLASSIC_SCRIPT,
    policy: CLASSIC_POLICY,
    files: [...files.keys()]
      .sort()
      .map((path) => ({ path, size: files.get(path)!.byteLength, sha256: sha256Hex(files.get(path)!) })),
  };
  return { form: "openssl", manifest, manifestBytes: tgz, manifestDigest: digest, files, signers };
}
