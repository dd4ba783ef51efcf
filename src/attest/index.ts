export type { ApprovalRecord, ApprovedBuildKey, VerifiedApproval } from "./approval.js";
export {
  approvalFileBytes,
  checkApprovalTime,
  makeApproval,
  parseApprovalRecord,
  verifyApproval,
} from "./approval.js";
export type { Artifact, AttestOptions } from "./attest.js";
export {
  attestArtifacts,
  buildKeyGpgSignature,
  buildKeyOpenPgpCert,
  checkUniqueNames,
  encodeAttestations,
  parseAttestations,
} from "./attest.js";
export type { AuditSink, AuditValue } from "./audit-sink.js";
export type { NewBuildKey, NewBuildKeyOptions } from "./build-key.js";
export { MAX_VALIDITY_MS, newBuildKey } from "./build-key.js";
export type { BuildSecret } from "./build-secret.js";
export { encodeBuildSecret, newBuildSecret, parseBuildSecret } from "./build-secret.js";
export type { ArtifactCheck, OpenBuildOptions, VerifiedBuild } from "./check.js";
export { checkArtifact, indexAttestations, openBuild } from "./check.js";
export type { CountersignDecision, CountersignOptions, CountersignReport } from "./countersign.js";
export { countersign } from "./countersign.js";
export { macDsse, nonceKeyId, signDsse } from "./envelope.js";
export type { CountersignFacts, EvidenceCheckOptions } from "./evidence.js";
export { checkEvidence, encodeEvidence } from "./evidence.js";
export {
  APPROVAL_PAYLOAD_TYPE,
  APPROVAL_TYPE,
  ATTESTATION_PREDICATE_TYPE,
  type BuildVariant,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
} from "./formats.js";
export type { AttestationStatement, BuildPredicate } from "./statement.js";
export { makeStatement, parseStatement } from "./statement.js";
export type { PublishedArtifact, VerifiedArtifact, VerifySetOptions } from "./verify-set.js";
export { verifyPublishedSet } from "./verify-set.js";
