// The receipt of a sealed job: the agent's in-toto Statement in a DSSE envelope (docs/spec/receipt.md),
// whose subjects are the output ciphertexts, with a `sealed` predicate field (docs/spec/sealed-execution.md
// §7). The client verifies it here (remote/ does not import the agent).
import { SigrunError, utf8Decode } from "../core/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import type { TeeType } from "./attestation.js";
import { openDsse } from "./dsse.js";
import { type BlobRef, checkBlobRefs } from "./release.js";

// the same strings as the agent's receipt.ts
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const IN_TOTO_STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const RECEIPT_PREDICATE_TYPE = "https://sigrun.dev/receipt/v1";

export interface SealedPredicate {
  readonly job_digest: string;
  readonly nonce: string;
  /** sha256 of the signed offer payload this job's key was released to. */
  readonly offer_sha256: string;
  readonly host: { readonly id: string; readonly receipt_key_id: string; readonly job_key: string };
  /** Input ciphertexts the host actually received (bundle, manifest, input/N). */
  readonly inputs: readonly BlobRef[];
  /** Output ciphertexts (the subjects, with sizes). */
  readonly outputs: readonly BlobRef[];
  readonly exit: { readonly status: string; readonly code: string | null };
  readonly timing: Readonly<Record<string, string>>;
}

export interface SealedStatement {
  readonly _type: string;
  readonly subject: readonly { readonly name: string; readonly digest: { readonly sha256: string } }[];
  readonly predicateType: string;
  readonly predicate: {
    readonly status: string;
    readonly error: { readonly code: string } | null;
    readonly attestation: { readonly type: TeeType };
    readonly sealed: SealedPredicate;
  } & Record<string, unknown>;
}

function bad(why: string): SigrunError {
  return new SigrunError("RECEIPT_INVALID", `sealed receipt: ${why}`);
}

/** Signature by the pinned receipt key, statement and predicate types, the sealed fields, subjects = outputs. */
export function verifySealedReceipt(bytes: Uint8Array, receiptKey: PublicKeyInfo): SealedStatement {
  if (bytes.byteLength > 32 * 1024 * 1024) throw bad("too large");
  let env: unknown;
  try {
    env = JSON.parse(utf8Decode(bytes, "receipt"));
  } catch {
    throw bad("not json");
  }
  const payload = openDsse(env, IN_TOTO_PAYLOAD_TYPE, receiptKey, "RECEIPT_INVALID", "sealed receipt");
  let st: SealedStatement;
  try {
    st = JSON.parse(utf8Decode(payload, "statement")) as SealedStatement;
  } catch {
    throw bad("statement: not json");
  }
  if (st?._type !== IN_TOTO_STATEMENT_TYPE) throw bad("_type");
  if (st.predicateType !== RECEIPT_PREDICATE_TYPE)
    throw new SigrunError("UNSUPPORTED_VERSION", "sealed receipt: predicateType");
  const p = st.predicate;
  const s = p?.sealed;
  if (typeof s !== "object" || s === null) throw bad("predicate.sealed: missing");
  if (typeof s.job_digest !== "string" || typeof s.nonce !== "string" || typeof s.offer_sha256 !== "string")
    throw bad("predicate.sealed: job_digest, nonce, offer_sha256");
  if (s.host?.receipt_key_id !== receiptKey.keyId)
    throw bad("predicate.sealed.host.receipt_key_id: not the pinned key");
  checkBlobRefs(s.inputs, "predicate.sealed.inputs");
  checkBlobRefs(s.outputs, "predicate.sealed.outputs");
  if (typeof p.attestation?.type !== "string") throw bad("predicate.attestation.type: missing");
  if (!Array.isArray(st.subject) || st.subject.length !== s.outputs.length)
    throw bad("subjects: not the outputs");
  for (let i = 0; i < s.outputs.length; i++) {
    const sub = st.subject[i]!;
    if (sub?.name !== s.outputs[i]!.name || sub?.digest?.sha256 !== s.outputs[i]!.sha256)
      throw bad(`subject ${i}: not output ${s.outputs[i]!.name}`);
  }
  return st;
}
