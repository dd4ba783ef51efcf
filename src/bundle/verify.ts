import { fromBase64 } from "../core/bytes.js";
import { SigrunError } from "../core/errors.js";
// the one module it needs, not the keys barrel: `sigrun verify` loads what it runs (start-up time)
import { rawVerify } from "../keys/raw-signature.js";
import { type BundleCaps, bundleCaps } from "./caps.js";
import { envelopePayload, MANIFEST_PAYLOAD_TYPE, pae } from "./dsse.js";
import type { Manifest } from "./manifest.js";
import {
  type BundleLayout,
  bundleLayout,
  checkArchiveSize,
  type ParsedBundle,
  parseBundle,
  sha256Hex,
} from "./pack.js";
import { MANIFEST_NAME, SIGNATURES_NAME } from "./paths.js";
import { type ByteSource, scanCanonicalTar } from "./tar-scan.js";
import { requiredSignatures, type TrustStore, trustedKey } from "./trust-store.js";

export interface VerifyOptions {
  readonly trust: TrustStore;
  /** Signatures by distinct trusted keys required; the trust store's threshold is the minimum. */
  readonly threshold?: number;
  /** This host's name: when given, the manifest's targets must name it or one of `groups`. */
  readonly host?: string;
  readonly groups?: readonly string[];
  /** Milliseconds since the epoch; defaults to the current time. */
  readonly now?: number;
  /** Allowed clock skew for `created` (default 5 minutes). */
  readonly skewMs?: number;
  readonly caps?: Partial<BundleCaps>;
}

export interface VerifiedSigner {
  readonly keyId: string;
  readonly algorithm: string;
}

export interface VerifiedBundle {
  /** `sgb` for the native format, `openssl` for the classic tar.gz + openssl signature. */
  readonly form: "sgb" | "openssl";
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  /** SHA-256 hex of the manifest bytes (of the tar.gz for the openssl form). */
  readonly manifestDigest: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly signers: readonly VerifiedSigner[];
}

/** What `verifyBundleSource` returns: a verified bundle without the files' bytes, which it did not keep. */
export type VerifiedBundleSummary = Omit<VerifiedBundle, "files">;

/**
 * Verifies a `.sgb` offline: structure, manifest = signed payload, every file's size and SHA-256, at least
 * `threshold` valid signatures by distinct trusted, unrevoked keys, validity window, and target. Throws a
 * SigrunError whose code says why; returns only for a bundle that may run.
 */
export function verifyBundle(bytes: Uint8Array, opts: VerifyOptions): VerifiedBundle {
  const parsed = parseBundle(bytes, bundleCaps(opts.caps));
  const v = verifyLayout(parsed, opts, (path) => {
    const data = parsed.files.get(path)!;
    return { size: data.byteLength, sha256: () => sha256Hex(data) };
  });
  return { ...v, files: parsed.files };
}

/**
 * `verifyBundle` of a `.sgb` read once in chunks from `src` (a file: `sigrun verify`), each file hashed as
 * it is read, so the archive is never held in memory: the same checks in the same order, the same
 * errors. Only the manifest's and the signatures' bytes are kept.
 */
export function verifyBundleSource(src: ByteSource, opts: VerifyOptions): VerifiedBundleSummary {
  const caps = bundleCaps(opts.caps);
  checkArchiveSize(src.size, caps);
  const keep = (name: string) => name === MANIFEST_NAME || name === SIGNATURES_NAME;
  const layout = bundleLayout(scanCanonicalTar(src, caps.maxEntries, keep), caps);
  const byPath = new Map(layout.body.map((e) => [e.name, e]));
  return verifyLayout(layout, opts, (path) => {
    const e = byPath.get(path)!;
    return { size: e.size, sha256: () => e.sha256 };
  });
}

/** A file's size and (computed on demand) SHA-256 hex, by manifest path. */
type DigestOf = (path: string) => { size: number; sha256: () => string };

function verifyLayout(
  p: Omit<BundleLayout<unknown>, "body">,
  opts: VerifyOptions,
  digestOf: DigestOf,
): VerifiedBundleSummary {
  checkPayload(p);
  checkDigests(p.manifest, digestOf);
  const signers = checkSignatures(p, opts);
  checkTime(p.manifest, opts);
  checkTarget(p.manifest, opts);
  return {
    form: "sgb",
    manifest: p.manifest,
    manifestBytes: p.manifestBytes,
    manifestDigest: sha256Hex(p.manifestBytes),
    signers,
  };
}

type Signed = Pick<ParsedBundle, "envelope" | "manifestBytes">;

function checkPayload(p: Signed): void {
  if (p.envelope.payloadType !== MANIFEST_PAYLOAD_TYPE) {
    throw new SigrunError(
      "BUNDLE_MALFORMED",
      `signature envelope: payloadType must be ${MANIFEST_PAYLOAD_TYPE}`,
    );
  }
  if (Buffer.compare(envelopePayload(p.envelope), p.manifestBytes) !== 0) {
    throw new SigrunError("SIGNATURE_INVALID", "manifest.json differs from the signed payload");
  }
}

function checkDigests(m: Manifest, digestOf: DigestOf): void {
  for (const f of m.files) {
    const d = digestOf(f.path);
    if (d.size !== f.size) {
      throw new SigrunError("DIGEST_MISMATCH", `file ${f.path}: size ${d.size}, manifest says ${f.size}`);
    }
    if (d.sha256() !== f.sha256)
      throw new SigrunError("DIGEST_MISMATCH", `file ${f.path}: sha256 differs from the manifest`);
  }
}

function checkSignatures(p: Signed, opts: VerifyOptions): VerifiedSigner[] {
  const message = pae(p.envelope.payloadType, p.manifestBytes);
  const threshold = requiredSignatures(opts.trust, opts.threshold);
  const valid = new Map<string, VerifiedSigner>();
  let revoked = 0;
  let untrusted = 0;
  for (const s of p.envelope.signatures) {
    const key = trustedKey(opts.trust, s.keyid, "bundle");
    if (!key) {
      untrusted++;
      continue;
    }
    if (opts.trust.revoked.has(s.keyid)) {
      revoked++;
      continue;
    }
    if (!rawVerify(key.algorithm, key.keyObject, message, fromBase64(s.sig, "sig"))) {
      throw new SigrunError("SIGNATURE_INVALID", `signature by ${s.keyid} does not verify`);
    }
    valid.set(s.keyid, { keyId: s.keyid, algorithm: key.algorithm });
  }
  if (valid.size >= threshold) return [...valid.values()];
  const got = `${valid.size} of ${threshold} required signatures by trusted keys`;
  if (revoked > 0) throw new SigrunError("SIGNER_REVOKED", `signed by a revoked key (${got})`);
  if (p.envelope.signatures.length === 0)
    throw new SigrunError("THRESHOLD_NOT_MET", `bundle is not signed (${got})`);
  if (valid.size === 0 && untrusted > 0)
    throw new SigrunError("SIGNER_UNTRUSTED", `no signature is by a trusted key (${got})`);
  throw new SigrunError("THRESHOLD_NOT_MET", got);
}

function checkTime(m: Manifest, opts: VerifyOptions): void {
  const now = opts.now ?? Date.now();
  const skew = opts.skewMs ?? 5 * 60_000;
  if (now > Date.parse(m.notAfter)) throw new SigrunError("EXPIRED", `bundle expired at ${m.notAfter}`);
  if (now + skew < Date.parse(m.created))
    throw new SigrunError("NOT_YET_VALID", `bundle is valid from ${m.created}`);
}

/**
 * The target check of `verifyBundle` (the agent, `sigrun run`, `sigrun verify`): with a host, the
 * manifest's targets (when any) must name it or `group:<g>` for one of its groups. Throws WRONG_TARGET.
 */
export function checkTarget(m: Manifest, opts: Pick<VerifyOptions, "host" | "groups">): void {
  if (opts.host === undefined || m.targets.length === 0) return;
  const names = new Set([opts.host, ...(opts.groups ?? []).map((g) => `group:${g}`)]);
  if (!m.targets.some((t) => names.has(t))) {
    throw new SigrunError("WRONG_TARGET", `bundle targets ${m.targets.join(", ")}, not ${opts.host}`);
  }
}
