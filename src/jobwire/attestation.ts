// The attestation hook (docs/spec/attestation.md). A host proves what it runs on by evidence whose
// 64-byte user field carries `reportData(nonce, E)` — Trustee's KBS recipe: SHA-384 of the canonical JSON
// {"additional-evidence":"", nonce, "tee-pubkey": JWK(E)}, zero-padded to 64 bytes. sigrun implements the
// `none` type only: no TEE, no evidence, and it never pretends otherwise.
import { createHash } from "node:crypto";
import { canonicalJson, SigrunError, toBase64Url } from "../core/index.js";
import { decodeAgeRecipient } from "../seal/index.js";

/** KBS `tee` strings plus `none`. Only `none` has a verifier in sigrun. */
export const TEE_TYPES = [
  "none",
  "sgx",
  "tdx",
  "snp",
  "az-snp-vtpm",
  "az-tdx-vtpm",
  "cca",
  "se",
  "tpm",
] as const;
export type TeeType = (typeof TEE_TYPES)[number];

export interface Attestation {
  readonly type: TeeType;
  /** Opaque evidence, base64 (empty for `none`). */
  readonly evidence: string;
}

/** Host side: `attest(reportData) → {type, evidence}`. A TEE-backed host supplies its own. */
export interface Attester {
  attest(reportData: Uint8Array): Promise<Attestation>;
}

/** The no-TEE attester: type `none`, empty evidence. */
export const NONE_ATTESTER: Attester = { attest: async () => ({ type: "none", evidence: "" }) };

/** Client side: checks evidence against the expected report data; returns the verified type or throws. */
export interface AttestationVerifier {
  readonly type: TeeType;
  verify(evidence: string, expectedReportData: Uint8Array): Promise<void>;
}

/** The raw 32-byte X25519 key of an `age1…` recipient. */
export function x25519FromRecipient(recipient: string): Uint8Array {
  try {
    return decodeAgeRecipient(recipient);
  } catch (err) {
    throw new SigrunError("KEY_INVALID", `age recipient: ${(err as Error).message}`, { cause: err });
  }
}

/** The JWK of an X25519 public key, as KBS's `tee-pubkey`. */
export function teePubkeyJwk(recipient: string): { kty: "OKP"; crv: "X25519"; x: string } {
  return { kty: "OKP", crv: "X25519", x: toBase64Url(x25519FromRecipient(recipient)) };
}

/** report_data = SHA-384(JCS({"additional-evidence": "", nonce, "tee-pubkey": JWK(E)})) ‖ 16 zero bytes. */
export function reportData(nonce: string, ephemeralRecipient: string): Uint8Array {
  const runtimeData = { "additional-evidence": "", nonce, "tee-pubkey": teePubkeyJwk(ephemeralRecipient) };
  const out = new Uint8Array(64);
  out.set(createHash("sha384").update(canonicalJson(runtimeData)).digest());
  return out;
}

export interface AttestationPolicy {
  /** Refuse `none` (the `execute --require-tee` flag). */
  readonly requireTee: boolean;
  /** Verifiers for TEE types (none are built in). */
  readonly verifiers?: readonly AttestationVerifier[];
}

/** Verifies an offer's attestation under the policy; returns its type. */
export async function verifyAttestation(
  att: unknown,
  expected: Uint8Array,
  policy: AttestationPolicy,
): Promise<TeeType> {
  const a = att as Attestation;
  if (typeof a !== "object" || a === null || !TEE_TYPES.includes(a.type) || typeof a.evidence !== "string")
    throw new SigrunError("ATTESTATION_INVALID", "attestation: expected {type, evidence} with a known type");
  if (a.type === "none") {
    if (policy.requireTee)
      throw new SigrunError(
        "ATTESTATION_INVALID",
        "attestation: the job requires a TEE and the host answered type none (no TEE)",
      );
    if (a.evidence !== "") throw new SigrunError("ATTESTATION_INVALID", "attestation: none carries evidence");
    return "none";
  }
  const v = policy.verifiers?.find((x) => x.type === a.type);
  if (!v) throw new SigrunError("ATTESTATION_INVALID", `attestation: no verifier for type ${a.type}`);
  await v.verify(a.evidence, expected);
  return a.type;
}
