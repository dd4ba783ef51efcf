import {
  type DsseEnvelope,
  encodeEnvelope,
  envelopePayload,
  newEnvelope,
  pae,
  parseEnvelope as parseDsse,
} from "../core/dsse.js";

export type { DsseEnvelope, DsseSignature } from "../core/dsse.js";
export { encodeEnvelope, envelopePayload, newEnvelope, pae };

/** DSSE payload type of a sigrun manifest. */
export const MANIFEST_PAYLOAD_TYPE = "application/vnd.sigrun.manifest+json";

/** Parses a bundle's DSSE envelope strictly (the core codec; failures are BUNDLE_MALFORMED). */
export function parseEnvelope(bytes: Uint8Array, maxBytes: number, maxSignatures: number): DsseEnvelope {
  return parseDsse(bytes, { maxBytes, maxSignatures, code: "BUNDLE_MALFORMED", what: "signature envelope" });
}
