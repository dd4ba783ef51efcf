/**
 * Names, types and caps of the build-gated countersigning formats (docs/spec/build-attestation.md).
 */
export const IN_TOTO_STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** predicateType of a build attestation (one artifact, one build). */
export const ATTESTATION_PREDICATE_TYPE = "https://sigrun.dev/build-attestation/v1";
/** DSSE payloadType and `_type` of an approval record. */
export const APPROVAL_PAYLOAD_TYPE = "application/vnd.sigrun.build-approval+json";
export const APPROVAL_TYPE = "https://sigrun.dev/build-approval/v1";

export const CAPS = {
  /** One DSSE envelope (approval or attestation). */
  maxEnvelopeBytes: 16 * 1024,
  /** An attestations file (JSON Lines of envelopes). */
  maxBundleBytes: 8 * 1024 * 1024,
  maxAttestations: 4096,
  maxName: 255,
  maxBuildId: 128,
  maxBuilderId: 512,
} as const;

/** Build ids: what CI systems use (numbers, run ids, tags); no spaces, no path characters. */
export const BUILD_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const KEY_ID_RE = /^sha256:[0-9a-f]{64}$/;
export const SHA256_RE = /^[0-9a-f]{64}$/;
/** RFC 3339 UTC as `Date.toISOString` writes it (milliseconds, `Z`). */
export const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type BuildVariant = "key" | "mac";
