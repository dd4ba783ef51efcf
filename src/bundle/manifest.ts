import { utf8Decode } from "../core/bytes.js";
import { canonicalJson } from "../core/canonical-json.js";
import { parseTime } from "../core/duration.js";
import { SigrunError } from "../core/errors.js";
import type { BundleCaps } from "./caps.js";
import { assertBundlePath } from "./paths.js";

export const MANIFEST_VERSION = 1;

export interface ManifestFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** Per-bundle run limits the owner asks for; the agent may lower them, never raise them. */
export interface ManifestLimits {
  readonly maxOperations?: number;
  readonly wallClockMs?: number;
  readonly maxOutputBytes?: number;
}

export interface Manifest {
  readonly version: number;
  /** Random 128-bit id, 32 lower-case hex digits; the agent's replay key. */
  readonly id: string;
  /** RFC 3339 UTC, second precision. Also the not-before time (with clock skew allowance). */
  readonly created: string;
  /** RFC 3339 UTC, second precision. */
  readonly notAfter: string;
  /** Host names or `group:<name>`; empty means any host. */
  readonly targets: readonly string[];
  /** Path of the Rhai script among `files`. */
  readonly entry: string;
  /** Path of the Cedar policy among `files`. */
  readonly policy: string;
  /** Every file of the bundle, sorted by path. */
  readonly files: readonly ManifestFile[];
  readonly limits?: ManifestLimits;
}

const KEYS = new Set([
  "version",
  "id",
  "created",
  "notAfter",
  "targets",
  "entry",
  "policy",
  "files",
  "limits",
]);
const LIMIT_KEYS = new Set(["maxOperations", "wallClockMs", "maxOutputBytes"]);
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TARGET_RE = /^(?:group:)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function bad(message: string): SigrunError {
  return new SigrunError("BUNDLE_MALFORMED", `manifest: ${message}`);
}

/** The exact bytes of a manifest: canonical JSON, UTF-8, no trailing newline. */
export function encodeManifest(m: Manifest): Uint8Array {
  return new TextEncoder().encode(canonicalJson(m));
}

/**
 * Parses manifest bytes strictly: canonical JSON only (re-encoding must give the same bytes), known keys
 * only, version checked first (UNSUPPORTED_VERSION), every field typed and bounded.
 */
export function parseManifest(bytes: Uint8Array, caps: BundleCaps): Manifest {
  if (bytes.byteLength > caps.maxMetadataBytes) throw bad(`larger than ${caps.maxMetadataBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(bytes, "manifest"));
  } catch (err) {
    throw new SigrunError("BUNDLE_MALFORMED", "manifest: not valid JSON", { cause: err });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad("expected an object");
  const m = value as Record<string, unknown>;
  if (m.version !== MANIFEST_VERSION) {
    if (typeof m.version === "number") {
      throw new SigrunError(
        "UNSUPPORTED_VERSION",
        `manifest: version ${m.version} is not supported (expected ${MANIFEST_VERSION})`,
      );
    }
    throw bad("missing version");
  }
  for (const k of Object.keys(m)) if (!KEYS.has(k)) throw bad(`unknown field ${JSON.stringify(k)}`);
  if (typeof m.id !== "string" || !/^[0-9a-f]{32}$/.test(m.id))
    throw bad("id: expected 32 lower-case hex digits");
  for (const f of ["created", "notAfter"] as const) {
    const t = m[f];
    if (typeof t !== "string" || !TIME_RE.test(t))
      throw bad(`${f}: expected RFC 3339 UTC time like 2026-01-02T03:04:05Z`);
    parseTime(t, `manifest ${f}`);
  }
  if (Date.parse(m.notAfter as string) <= Date.parse(m.created as string))
    throw bad("notAfter must be after created");
  if (!Array.isArray(m.targets) || m.targets.length > caps.maxTargets)
    throw bad(`targets: expected at most ${caps.maxTargets}`);
  for (const t of m.targets)
    if (typeof t !== "string" || !TARGET_RE.test(t)) throw bad(`targets: bad target ${JSON.stringify(t)}`);
  if (new Set(m.targets).size !== m.targets.length) throw bad("targets: duplicates");
  if (!Array.isArray(m.files) || m.files.length === 0 || m.files.length > caps.maxEntries - 2) {
    throw bad(`files: expected 1 to ${caps.maxEntries - 2} entries`);
  }
  let prev = "";
  for (const f of m.files as unknown[]) {
    if (typeof f !== "object" || f === null || Array.isArray(f)) throw bad("files: expected objects");
    const e = f as Record<string, unknown>;
    if (Object.keys(e).length !== 3) throw bad("files: expected exactly path, size, sha256");
    if (typeof e.path !== "string") throw bad("files: path must be a string");
    assertBundlePath(e.path, "manifest files path");
    if (e.path <= prev) throw bad("files: must be sorted by path without duplicates");
    prev = e.path;
    if (typeof e.size !== "number" || !Number.isSafeInteger(e.size) || e.size < 0)
      throw bad("files: bad size");
    if (typeof e.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(e.sha256))
      throw bad("files: sha256 must be 64 hex digits");
  }
  const paths = new Set((m.files as ManifestFile[]).map((f) => f.path));
  if (typeof m.entry !== "string" || !paths.has(m.entry)) throw bad("entry: must name one of files");
  if (typeof m.policy !== "string" || !paths.has(m.policy)) throw bad("policy: must name one of files");
  if (m.limits !== undefined) {
    if (typeof m.limits !== "object" || m.limits === null || Array.isArray(m.limits))
      throw bad("limits: expected an object");
    for (const [k, v] of Object.entries(m.limits)) {
      if (!LIMIT_KEYS.has(k)) throw bad(`limits: unknown field ${JSON.stringify(k)}`);
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0)
        throw bad(`limits: ${k} must be a positive integer`);
    }
  }
  const manifest = m as unknown as Manifest;
  if (Buffer.compare(encodeManifest(manifest), bytes) !== 0) throw bad("not in canonical JSON form");
  return manifest;
}
