// The job manifest (docs/spec/sealed-execution.md §2): canonical JSON naming everything a sealed job runs
// with — the bundle by digest, the plaintext input tree, the timeout, the client's nonce and the output
// recipient. `job_digest` = SHA-256 of its canonical bytes. It travels sealed to the per-job key J.
import { canonicalJson, SigrunError, sha256Hex, utf8Decode, utf8Encode } from "../core/index.js";
import { isX25519Recipient } from "./age.js";

export const JOB_MANIFEST_TYPE = "https://sigrun.dev/sealed-job/v1";
export const MAX_INPUTS = 100_000;
export const MAX_PATH_BYTES = 1024;
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;
const NONCE_RE = /^[A-Za-z0-9_-]{43}$/;

export interface InputEntry {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface JobManifest {
  readonly _type: typeof JOB_MANIFEST_TYPE;
  readonly nonce: string;
  readonly bundle: { readonly sha256: string; readonly size: number };
  readonly inputs: readonly InputEntry[];
  readonly timeout_ms: number;
  readonly output_recipient: string;
  readonly require_tee: boolean;
  readonly created: string;
}

function bad(why: string): SigrunError {
  return new SigrunError("INPUT_INVALID", `job manifest: ${why}`);
}

/** A relative path of `/`-separated names: no empty, `.` or `..` parts, no NUL or backslash. */
export function checkInputPath(p: unknown): string {
  if (typeof p !== "string" || p.length === 0) throw bad("path: expected a non-empty string");
  if (Buffer.byteLength(p) > MAX_PATH_BYTES) throw bad(`path: longer than ${MAX_PATH_BYTES} bytes`);
  if (p.startsWith("/") || p.includes("\0") || p.includes("\\"))
    throw bad(`path ${JSON.stringify(p)}: not relative`);
  for (const part of p.split("/"))
    if (part === "" || part === "." || part === ".." || Buffer.byteLength(part) > 255)
      throw bad(`path ${JSON.stringify(p)}: bad component`);
  return p;
}

function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Sorts by UTF-8 bytes and rejects duplicates and file/directory clashes. */
export function checkInputTree(inputs: readonly InputEntry[]): void {
  if (inputs.length > MAX_INPUTS) throw bad(`more than ${MAX_INPUTS} inputs`);
  const files = new Set<string>();
  for (let i = 0; i < inputs.length; i++) {
    const e = inputs[i]!;
    checkInputPath(e.path);
    if (!Number.isSafeInteger(e.size) || e.size < 0) throw bad(`${e.path}: bad size`);
    if (!HEX64.test(e.sha256)) throw bad(`${e.path}: bad sha256`);
    if (i > 0 && cmp(inputs[i - 1]!.path, e.path) >= 0) throw bad("inputs: not sorted or not unique");
    files.add(e.path);
  }
  for (const e of inputs) {
    const parts = e.path.split("/");
    for (let k = 1; k < parts.length; k++)
      if (files.has(parts.slice(0, k).join("/"))) throw bad(`${e.path}: a parent is also a file`);
  }
}

export function sortInputs(inputs: InputEntry[]): InputEntry[] {
  return inputs.sort((a, b) => cmp(a.path, b.path));
}

export function encodeJobManifest(m: JobManifest): Uint8Array {
  return utf8Encode(canonicalJson(m));
}

export function jobDigest(manifestBytes: Uint8Array): string {
  return sha256Hex(manifestBytes);
}

/** Strict parse: canonical bytes, exact keys, caps; returns the manifest. */
export function parseJobManifest(bytes: Uint8Array): JobManifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES) throw bad("too large");
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(bytes, "job manifest"));
  } catch {
    throw bad("not json");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("expected an object");
  const m = v as Record<string, unknown>;
  const keys = "_type,bundle,created,inputs,nonce,output_recipient,require_tee,timeout_ms";
  if (Object.keys(m).sort().join(",") !== keys) throw bad(`expected exactly ${keys}`);
  if (m._type !== JOB_MANIFEST_TYPE)
    throw new SigrunError("UNSUPPORTED_VERSION", `job manifest _type: expected ${JOB_MANIFEST_TYPE}`);
  if (typeof m.nonce !== "string" || !NONCE_RE.test(m.nonce)) throw bad("nonce: expected 32 bytes base64url");
  const b = m.bundle as Record<string, unknown>;
  if (typeof b !== "object" || b === null || Object.keys(b).sort().join(",") !== "sha256,size")
    throw bad("bundle: expected {sha256, size}");
  if (!HEX64.test(String(b.sha256)) || !Number.isSafeInteger(b.size)) throw bad("bundle: bad sha256 or size");
  if (!Array.isArray(m.inputs)) throw bad("inputs: expected an array");
  for (const e of m.inputs as unknown[])
    if (typeof e !== "object" || e === null || Object.keys(e).sort().join(",") !== "path,sha256,size")
      throw bad("inputs: expected {path, size, sha256}");
  checkInputTree(m.inputs as InputEntry[]);
  if (!Number.isSafeInteger(m.timeout_ms) || (m.timeout_ms as number) < 1)
    throw bad("timeout_ms: expected > 0");
  if (!isX25519Recipient(m.output_recipient)) throw bad("output_recipient: expected age1…");
  if (typeof m.require_tee !== "boolean") throw bad("require_tee: expected a boolean");
  if (typeof m.created !== "string" || Number.isNaN(Date.parse(m.created))) throw bad("created: bad time");
  const man = m as unknown as JobManifest;
  if (Buffer.compare(Buffer.from(encodeJobManifest(man)), Buffer.from(bytes)) !== 0)
    throw bad("not in canonical form");
  return man;
}
