export type { AgeKeyPair } from "./age.js";
export {
  isX25519Recipient,
  newAgeKeyPair,
  openBytes,
  recipientOf,
  sealBytes,
  sealTransform,
  unsealTransform,
} from "./age.js";
export type {
  Attestation,
  AttestationPolicy,
  AttestationVerifier,
  Attester,
  TeeType,
} from "./attestation.js";
export {
  NONE_ATTESTER,
  reportData,
  TEE_TYPES,
  teePubkeyJwk,
  verifyAttestation,
  x25519FromRecipient,
} from "./attestation.js";
export type { Envelope } from "./dsse.js";
export { encodeDsse, openDsse, signDsse } from "./dsse.js";
export type { Digest } from "./files.js";
export { sealFile, unsealToFile, unsealVerifiedSource } from "./files.js";
export type { Message } from "./frames.js";
export { FrameReader, FrameWriter, MAX_MESSAGE_BYTES, SEALED_MAGIC } from "./frames.js";
export type { InputEntry, JobManifest } from "./job-manifest.js";
export {
  checkInputPath,
  checkInputTree,
  encodeJobManifest,
  JOB_MANIFEST_TYPE,
  jobDigest,
  MAX_INPUTS,
  parseJobManifest,
  sortInputs,
} from "./job-manifest.js";
export type { Offer, OfferExpectations } from "./offer.js";
export { OFFER_PAYLOAD_TYPE, OFFER_TTL_MS, OFFER_TYPE, signOffer, verifyOffer } from "./offer.js";
export type { OutputFile, OutputManifest } from "./output-manifest.js";
export { encodeOutputManifest, OUTPUTS_TYPE, parseOutputManifest } from "./output-manifest.js";
export type { BlobRef } from "./release.js";
export { checkBlobRefs, unwrapJobKey, wrapJobKey } from "./release.js";
export type { SealedPredicate, SealedStatement } from "./sealed-receipt.js";
export { verifySealedReceipt } from "./sealed-receipt.js";
