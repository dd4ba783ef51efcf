import { readFileSync } from "node:fs";
import type { PeerCertificate } from "node:tls";
import { SigrunError, sha256, sha256Hex } from "../core/index.js";

/**
 * Roles of the agent's HTTP API (docs/spec/agent-state.md §5, docs/guide/operating-agents.md §1):
 * `read` lists jobs, shows receipts, fetches stdout/stderr/outputs and metrics; `submit` may also
 * POST /execute. A client certificate gets the role of the rules that name it, and none otherwise (a
 * certificate the client CA issued but no rule lists is refused like an anonymous client).
 */
export type ApiRole = "read" | "submit";

/** One `http.clientRoles` entry: exactly one of fingerprint, cn, san. */
export interface ClientRoleRule {
  readonly role: ApiRole;
  /** SHA-256 of the certificate's DER (`openssl x509 -noout -fingerprint -sha256`), colons optional. */
  readonly fingerprint?: string;
  /** The subject's common name, exactly (the certificate must carry one CN). */
  readonly cn?: string;
  /** One subjectAltName entry, exactly: `DNS:dash.internal`, `URI:spiffe://…`, `email:…`, `IP Address:…`. */
  readonly san?: string;
}

/** One `http.tokens` entry: a file holding one bearer token, and its role. */
export interface TokenRule {
  readonly file: string;
  readonly role: ApiRole;
}

const ROLES: readonly ApiRole[] = ["read", "submit"];
const MAX_RULES = 1000;
const MIN_TOKEN_CHARS = 16;

function bad(field: string, why: string): SigrunError {
  return new SigrunError("INPUT_INVALID", `agent config ${field}: ${why}`);
}

/** `sha256:AB:CD…`, `AB:CD…` or 64 hex digits → 64 lower-case hex digits; else undefined. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text
    .replace(/^sha256:/i, "")
    .replace(/:/g, "")
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

function isRole(x: unknown): x is ApiRole {
  return typeof x === "string" && (ROLES as readonly string[]).includes(x);
}

/** Validates `http.clientRoles` of agent.json (strict: known keys, one matcher per rule). */
export function checkClientRoles(x: unknown, field = "http.clientRoles"): ClientRoleRule[] {
  if (!Array.isArray(x) || x.length > MAX_RULES)
    throw bad(field, `expected an array of at most ${MAX_RULES} rules`);
  return x.map((r: unknown, i) => {
    const f = `${field}[${i}]`;
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw bad(f, "expected an object");
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!["role", "fingerprint", "cn", "san"].includes(k)) throw bad(`${f}.${k}`, "unknown key");
    if (!isRole(o.role)) throw bad(`${f}.role`, `expected one of ${ROLES.join(", ")}`);
    const matchers = (["fingerprint", "cn", "san"] as const).filter((k) => o[k] !== undefined);
    const k = matchers[0];
    if (matchers.length !== 1 || k === undefined)
      throw bad(f, "expected exactly one of fingerprint, cn, san");
    const v = o[k];
    if (typeof v !== "string" || v === "" || v.length > 1024) throw bad(`${f}.${k}`, "expected a string");
    if (k === "fingerprint") {
      const fp = normalizeFingerprint(v);
      if (fp === undefined) throw bad(`${f}.fingerprint`, "expected a SHA-256 fingerprint (64 hex digits)");
      return { role: o.role, fingerprint: fp };
    }
    if (k === "san" && !/^[A-Za-z ]{1,20}:./.test(v))
      throw bad(`${f}.san`, "expected TYPE:VALUE (DNS:host, URI:…, email:…, IP Address:…)");
    return { role: o.role, [k]: v };
  });
}

/** Validates `http.tokens` of agent.json. */
export function checkTokenRules(x: unknown, field = "http.tokens"): TokenRule[] {
  if (!Array.isArray(x) || x.length > MAX_RULES)
    throw bad(field, `expected an array of at most ${MAX_RULES} entries`);
  return x.map((r: unknown, i) => {
    const f = `${field}[${i}]`;
    if (typeof r !== "object" || r === null || Array.isArray(r)) throw bad(f, "expected an object");
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== "file" && k !== "role") throw bad(`${f}.${k}`, "unknown key");
    if (typeof o.file !== "string" || o.file === "") throw bad(`${f}.file`, "expected a path");
    if (!isRole(o.role)) throw bad(`${f}.role`, `expected one of ${ROLES.join(", ")}`);
    return { file: o.file, role: o.role };
  });
}

/**
 * `--client-role ROLE=MATCH`: MATCH is `sha256:FINGERPRINT`, `cn:NAME` or `san:TYPE:VALUE`
 * (e.g. `read=san:DNS:prometheus.internal`).
 */
export function parseClientRoleFlag(text: string): ClientRoleRule {
  const m = /^(read|submit)=(sha256|cn|san):(.+)$/.exec(text);
  const usage = (): SigrunError =>
    new SigrunError(
      "USAGE",
      `--client-role: expected read|submit=sha256:FINGERPRINT | cn:NAME | san:TYPE:VALUE, got ${JSON.stringify(text)}`,
    );
  if (!m) throw usage();
  const [, role, kind, value] = m;
  const key = kind === "sha256" ? "fingerprint" : kind;
  let rule: ClientRoleRule | undefined;
  try {
    rule = key === undefined ? undefined : checkClientRoles([{ role, [key]: value }])[0];
  } catch {
    rule = undefined;
  }
  if (rule === undefined) throw usage();
  return rule;
}

/**
 * The subjectAltName entries of a peer certificate as Node prints them (`DNS:a, URI:b`). Node quotes a
 * value holding a comma or other special characters as a JSON string with the comma escaped (`\u002c`),
 * so splitting on ", " never cuts a value; quoted values are decoded, undecodable entries are dropped.
 */
export function subjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const e of text.split(", ")) {
    const m = /^([A-Za-z ]{1,20}):(.*)$/s.exec(e);
    if (!m) continue;
    const [, type, value = ""] = m;
    if (value.startsWith('"')) {
      try {
        const v: unknown = JSON.parse(value);
        if (typeof v === "string") out.push(`${type}:${v}`);
      } catch {
        // not a quoted value Node would print: no match
      }
    } else if (!value.includes('"')) out.push(`${type}:${value}`);
  }
  return out;
}

/**
 * The role of a verified client certificate: a fingerprint rule naming it decides; otherwise the least
 * role among the cn/san rules that match; undefined (no role) when nothing names it.
 */
export function roleOfCertificate(
  rules: readonly ClientRoleRule[],
  cert: Pick<PeerCertificate, "raw" | "subject" | "subjectaltname">,
): ApiRole | undefined {
  if (!cert.raw || cert.raw.byteLength === 0) return undefined;
  const fp = sha256Hex(cert.raw);
  const pinned = rules.filter((r) => r.fingerprint === fp).map((r) => r.role);
  if (pinned.length > 0) return pinned.includes("read") ? "read" : "submit";
  const cnValue: unknown = cert.subject?.CN;
  const cn = typeof cnValue === "string" ? cnValue : undefined;
  const sans = subjectAltNames(cert.subjectaltname);
  const named = rules
    .filter((r) => (r.cn !== undefined && r.cn === cn) || (r.san !== undefined && sans.includes(r.san)))
    .map((r) => r.role);
  if (named.length === 0) return undefined;
  return named.includes("read") ? "read" : "submit";
}

/** A bearer token file, loaded as the SHA-256 of its one token (at least 16 characters, no whitespace). */
export function loadTokenDigest(file: string, what: string): Uint8Array {
  let t: string;
  try {
    t = readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
  if (t.length < MIN_TOKEN_CHARS || /\s/.test(t))
    throw new SigrunError(
      "USAGE",
      `${what} ${file}: expected one token of at least ${MIN_TOKEN_CHARS} characters`,
    );
  return sha256(t);
}
