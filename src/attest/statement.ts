import { canonicalJson, SigrunError, utf8Decode } from "../core/index.js";
import { ATTESTATION_PREDICATE_TYPE, CAPS, IN_TOTO_STATEMENT_TYPE, SHA256_RE } from "./formats.js";
import { checkBuildId, checkSubjectName, checkTime } from "./names.js";

/** The predicate of a build attestation: which build, which builder, when. */
export interface BuildPredicate {
  readonly buildId: string;
  readonly builderId: string;
  readonly time: string;
}

/** An in-toto Statement v1 with exactly one subject (docs/spec/build-attestation.md §4). */
export interface AttestationStatement {
  readonly _type: typeof IN_TOTO_STATEMENT_TYPE;
  readonly subject: readonly [{ readonly name: string; readonly digest: { readonly sha256: string } }];
  readonly predicateType: typeof ATTESTATION_PREDICATE_TYPE;
  readonly predicate: BuildPredicate;
}

export function checkBuilderId(id: unknown): string {
  if (
    typeof id !== "string" ||
    id.length === 0 ||
    id.length > CAPS.maxBuilderId ||
    /[\u0000-\u001f\u007f-\u009f]/.test(id)
  )
    throw new SigrunError(
      "ATTESTATION_INVALID",
      `builder id: expected 1-${CAPS.maxBuilderId} printable characters`,
    );
  return id;
}

export function makeStatement(name: string, sha256: string, p: BuildPredicate): AttestationStatement {
  checkSubjectName(name);
  checkBuildId(p.buildId);
  checkBuilderId(p.builderId);
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name, digest: { sha256 } }],
    predicateType: ATTESTATION_PREDICATE_TYPE,
    predicate: { buildId: p.buildId, builderId: p.builderId, time: p.time },
  };
}

const exact = (o: unknown, keys: string, what: string): Record<string, unknown> => {
  if (typeof o !== "object" || o === null || Array.isArray(o) || Object.keys(o).sort().join(",") !== keys)
    throw new SigrunError("ATTESTATION_INVALID", `${what}: expected exactly the fields ${keys}`);
  return o as Record<string, unknown>;
};

/** Parses a statement strictly: canonical JSON, exact fields, one subject with a safe name. */
export function parseStatement(payload: Uint8Array): AttestationStatement {
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(payload, "statement"));
  } catch (err) {
    throw new SigrunError("ATTESTATION_INVALID", "statement: not valid JSON", { cause: err });
  }
  const s = exact(v, "_type,predicate,predicateType,subject", "statement");
  if (s._type !== IN_TOTO_STATEMENT_TYPE)
    throw new SigrunError("ATTESTATION_INVALID", `statement _type: expected ${IN_TOTO_STATEMENT_TYPE}`);
  if (s.predicateType !== ATTESTATION_PREDICATE_TYPE)
    throw new SigrunError(
      "UNSUPPORTED_VERSION",
      `statement predicateType: expected ${ATTESTATION_PREDICATE_TYPE}, got ${String(s.predicateType).slice(0, 80)}`,
    );
  if (!Array.isArray(s.subject) || s.subject.length !== 1)
    throw new SigrunError("ATTESTATION_INVALID", "statement subject: expected exactly one subject");
  const sub = exact(s.subject[0], "digest,name", "statement subject");
  checkSubjectName(sub.name);
  const digest = exact(sub.digest, "sha256", "statement subject digest");
  if (typeof digest.sha256 !== "string" || !SHA256_RE.test(digest.sha256))
    throw new SigrunError(
      "ATTESTATION_INVALID",
      "statement subject digest sha256: expected 64 lower-case hex",
    );
  const p = exact(s.predicate, "buildId,builderId,time", "statement predicate");
  try {
    checkBuildId(p.buildId, "statement predicate buildId");
  } catch (err) {
    throw new SigrunError("ATTESTATION_INVALID", (err as Error).message);
  }
  checkBuilderId(p.builderId);
  checkTime(p.time, "statement predicate time");
  if (canonicalJson(s) !== utf8Decode(payload))
    throw new SigrunError("ATTESTATION_INVALID", "statement: not in canonical JSON form");
  return s as unknown as AttestationStatement;
}
