export type { ArchiveInfo, ArchiveMember } from "./archive-info.js";
export { identifyArchive } from "./archive-info.js";
export type { BundleCaps } from "./caps.js";
export { bundleCaps, DEFAULT_BUNDLE_CAPS } from "./caps.js";
export type { DsseEnvelope, DsseSignature } from "./dsse.js";
export { MANIFEST_PAYLOAD_TYPE, pae } from "./dsse.js";
export { gunzipCapped } from "./gzip.js";
export type { Manifest, ManifestFile, ManifestLimits } from "./manifest.js";
export { encodeManifest, MANIFEST_VERSION, parseManifest } from "./manifest.js";
export type { OpensslVerifyOptions } from "./openssl-compat.js";
export { CLASSIC_POLICY, CLASSIC_SCRIPT, verifyOpensslBundle } from "./openssl-compat.js";
export type { BundleInput, ParsedBundle } from "./pack.js";
export { createBundle, parseBundle, sha256Hex } from "./pack.js";
export { MANIFEST_NAME, SIGNATURES_NAME } from "./paths.js";
export { addSignature, bundleSigningMessage, signBundle } from "./sign.js";
export type { TarMember, TarMembersOptions } from "./tar.js";
export { readTarMembers } from "./tar.js";
export type { ByteSource } from "./tar-scan.js";
export { parsePurposeList, purposesWith, revokedWith } from "./trust-edit.js";
export type { KeyPurpose, TrustStore } from "./trust-store.js";
export {
  KEY_PURPOSES,
  loadTrustStore,
  requiredSignatures,
  trustedKey,
  trustStoreOf,
} from "./trust-store.js";
export type { VerifiedBundle, VerifiedBundleSummary, VerifiedSigner, VerifyOptions } from "./verify.js";
export { checkTarget, verifyBundle, verifyBundleSource } from "./verify.js";
export { localHostId, verifySubmission } from "./verify-submission.js";
