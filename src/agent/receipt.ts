import type { VerifiedBundle } from "../bundle/index.js";
import { canonicalJson, type ErrorCode, SigrunError, utf8Decode, utf8Encode } from "../core/index.js";
import type { PublicKeyInfo, Signer } from "../keys/index.js";
import {
  encodeReceiptEnvelope,
  parseReceiptEnvelope,
  type ReceiptEnvelope,
  signEnvelope,
  verifyEnvelope,
} from "./dsse.js";
import type { JobStatus } from "./types.js";

export const IN_TOTO_STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** Versioned predicate type of a sigrun receipt (docs/spec/receipt.md). */
export const RECEIPT_PREDICATE_TYPE = "https://sigrun.dev/receipt/v1";
/** Longest result value carried inline; a longer one is cut and `truncated` set (its digest is a subject). */
export const MAX_RESULT_CHARS = 64 * 1024;
/** Longest `error.message` carried in a receipt; a longer one is cut and ends with `...`. */
export const MAX_ERROR_MESSAGE_CHARS = 1024;

/** Cuts an error message for a receipt (one line per line break kept; at most MAX_ERROR_MESSAGE_CHARS). */
export function receiptErrorMessage(message: string): string {
  const m = message.trim();
  return m.length > MAX_ERROR_MESSAGE_CHARS ? `${m.slice(0, MAX_ERROR_MESSAGE_CHARS - 3)}...` : m;
}

export interface ReceiptSubject {
  readonly name: string;
  readonly digest: { readonly sha256: string };
}

export interface ReceiptPredicate {
  readonly job: { readonly id: string; readonly transport: string; readonly submissionSha256: string | null };
  readonly bundle: {
    readonly id: string;
    readonly form: string;
    readonly manifestDigest: string;
    readonly signers: readonly string[];
    readonly notAfter: string;
  } | null;
  readonly host: { readonly id: string; readonly keyId: string; readonly groups: readonly string[] };
  readonly times: { readonly queued: string; readonly started: string | null; readonly finished: string };
  readonly status: JobStatus;
  /** `message` (≤ 1,024 characters, optional): why, in words — the runner's error text or the rejection reason. */
  readonly error: {
    readonly code: ErrorCode;
    readonly type: string | null;
    readonly message?: string;
  } | null;
  readonly result: { readonly value: string; readonly truncated: boolean } | null;
  readonly audit: { readonly seq: number };
  readonly attestation: { readonly type: "none" };
}

export interface ReceiptStatement {
  readonly _type: typeof IN_TOTO_STATEMENT_TYPE;
  readonly subject: readonly ReceiptSubject[];
  readonly predicateType: typeof RECEIPT_PREDICATE_TYPE;
  readonly predicate: ReceiptPredicate;
}

/** RFC 3339 UTC with milliseconds. */
export function receiptTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** What one receipt states about a job (run, rejected or interrupted); see `receiptStatement`. */
export interface ReceiptFacts {
  readonly job: ReceiptPredicate["job"];
  /** The verified bundle, or null when the job never got that far. */
  readonly bundle: VerifiedBundle | null;
  readonly host: ReceiptPredicate["host"];
  readonly subjects: readonly ReceiptSubject[];
  /** Milliseconds since the epoch. */
  readonly queued: number;
  readonly started: number | null;
  readonly finished: number;
  readonly status: JobStatus;
  readonly error: ReceiptPredicate["error"];
  readonly result: ReceiptPredicate["result"];
  /** The audit entry the receipt cites (finish or reject). */
  readonly seq: number;
}

/** The in-toto statement of a receipt (docs/spec/receipt.md), ready for `signReceipt`. */
export function receiptStatement(f: ReceiptFacts): ReceiptStatement {
  const b = f.bundle;
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [...f.subjects],
    predicateType: RECEIPT_PREDICATE_TYPE,
    predicate: {
      job: f.job,
      bundle: b
        ? {
            id: b.manifest.id,
            form: b.form,
            manifestDigest: b.manifestDigest,
            signers: b.signers.map((s) => s.keyId),
            notAfter: b.manifest.notAfter,
          }
        : null,
      host: { id: f.host.id, keyId: f.host.keyId, groups: [...f.host.groups] },
      times: {
        queued: receiptTime(f.queued),
        started: f.started === null ? null : receiptTime(f.started),
        finished: receiptTime(f.finished),
      },
      status: f.status,
      error: f.error,
      result: f.result,
      audit: { seq: f.seq },
      attestation: { type: "none" },
    },
  };
}

/** Subjects of a run's receipt: the manifest (the archive for the openssl form), stdout, stderr, result, outputs. */
export function runSubjects(
  bundle: VerifiedBundle,
  r: {
    readonly stdoutSha256: string;
    readonly stderrSha256: string;
    readonly resultSha256: string | null;
    readonly outputs: readonly { readonly name: string; readonly sha256: string }[];
  },
): ReceiptSubject[] {
  const subjects: ReceiptSubject[] = [
    {
      name: bundle.form === "openssl" ? "bundle.tar.gz" : "manifest.json",
      digest: { sha256: bundle.manifestDigest },
    },
    { name: "stdout", digest: { sha256: r.stdoutSha256 } },
    { name: "stderr", digest: { sha256: r.stderrSha256 } },
  ];
  if (r.resultSha256 !== null) subjects.push({ name: "result", digest: { sha256: r.resultSha256 } });
  for (const o of r.outputs) subjects.push({ name: `outputs/${o.name}`, digest: { sha256: o.sha256 } });
  return subjects;
}

/** Subjects of a rejection's receipt: the submission (unless too large to hash) and the manifest if verified. */
export function rejectionSubjects(
  submissionSha256: string | null,
  bundle: VerifiedBundle | null,
): ReceiptSubject[] {
  const subjects: ReceiptSubject[] = [];
  if (submissionSha256) subjects.push({ name: "submission", digest: { sha256: submissionSha256 } });
  if (bundle && bundle.form !== "openssl")
    subjects.push({ name: "manifest.json", digest: { sha256: bundle.manifestDigest } });
  return subjects;
}

/** Signs a statement into a DSSE envelope with the host key. */
export function signReceipt(statement: ReceiptStatement, signer: Signer): Promise<ReceiptEnvelope> {
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, utf8Encode(canonicalJson(statement)), signer);
}

/** The statement of `facts`, signed with the host key: the receipt's bytes (DSSE envelope JSON + newline). */
export async function sealReceipt(
  facts: ReceiptFacts,
  signer: Signer,
): Promise<{ statement: ReceiptStatement; receipt: Uint8Array }> {
  const statement = receiptStatement(facts);
  return { statement, receipt: encodeReceiptEnvelope(await signReceipt(statement, signer)) };
}

function bad(why: string): SigrunError {
  return new SigrunError("RECEIPT_INVALID", `receipt: ${why}`);
}

/**
 * Verifies a receipt (DSSE envelope bytes) against the host's public key and returns its statement.
 * Checks the signature, the payload type, the statement type, the predicate type and version, and the
 * presence of every predicate field.
 */
export function verifyReceipt(bytes: Uint8Array, hostPub: PublicKeyInfo): ReceiptStatement {
  const env = parseReceiptEnvelope(bytes);
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw bad(`payloadType: expected ${IN_TOTO_PAYLOAD_TYPE}, got ${env.payloadType}`);
  const payload = verifyEnvelope(env, hostPub);
  let st: unknown;
  try {
    st = JSON.parse(utf8Decode(payload, "statement"));
  } catch {
    throw bad("statement: not json");
  }
  return checkStatement(st, hostPub);
}

function checkStatement(v: unknown, hostPub: PublicKeyInfo): ReceiptStatement {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("statement: expected an object");
  const s = v as Record<string, unknown>;
  if (s._type !== IN_TOTO_STATEMENT_TYPE) throw bad(`_type: expected ${IN_TOTO_STATEMENT_TYPE}`);
  if (s.predicateType !== RECEIPT_PREDICATE_TYPE)
    throw new SigrunError(
      "UNSUPPORTED_VERSION",
      `receipt predicateType: expected ${RECEIPT_PREDICATE_TYPE}, got ${String(s.predicateType)}`,
    );
  if (!Array.isArray(s.subject)) throw bad("subject: expected an array");
  for (const sub of s.subject as unknown[]) {
    const o = sub as ReceiptSubject;
    if (typeof o?.name !== "string" || !/^[0-9a-f]{64}$/.test(String(o?.digest?.sha256)))
      throw bad("subject: expected {name, digest: {sha256}}");
  }
  const p = s.predicate as Record<string, unknown> | undefined;
  if (typeof p !== "object" || p === null) throw bad("predicate: expected an object");
  for (const k of ["job", "bundle", "host", "times", "status", "error", "result", "audit", "attestation"]) {
    if (!(k in p)) throw bad(`predicate.${k}: missing`);
  }
  const host = p.host as ReceiptPredicate["host"];
  if (host?.keyId !== hostPub.keyId)
    throw bad(`predicate.host.keyId: expected ${hostPub.keyId}, got ${String(host?.keyId)}`);
  if (!["succeeded", "failed", "rejected", "interrupted"].includes(String(p.status)))
    throw bad("predicate.status: unknown");
  if (typeof (p.attestation as { type?: unknown })?.type !== "string")
    throw bad("predicate.attestation.type: missing");
  if (!Number.isSafeInteger((p.audit as { seq?: unknown })?.seq))
    throw bad("predicate.audit.seq: expected an integer");
  return s as unknown as ReceiptStatement;
}

/** The statement of a receipt without checking the signature (for display only). */
export function readReceiptUnverified(bytes: Uint8Array): ReceiptStatement {
  const env = parseReceiptEnvelope(bytes);
  return JSON.parse(Buffer.from(env.payload, "base64").toString("utf8")) as ReceiptStatement;
}
