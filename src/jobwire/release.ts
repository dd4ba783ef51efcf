// The key release (docs/spec/sealed-execution.md §5): the per-job identity J, sealed to the host's job key
// and that seal sealed again to the offer's ephemeral key E — opening it needs both E (alive only during
// this job) and the long-term job key. Sent with the list of sealed blobs the job consists of.
import { fromBase64, SigrunError, toBase64, utf8Decode, utf8Encode } from "../core/index.js";
import { openBytes, sealBytes } from "./age.js";

/** One sealed blob: a logical name (`bundle`, `manifest`, `input/3`, `output/0`, `stdout` …), ciphertext sha256 and size. */
export interface BlobRef {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

export const MAX_BLOBS = 100_010;
const NAME_RE = /^(bundle|manifest|outputs\.manifest|stdout|stderr|(input|output)\/(0|[1-9][0-9]{0,5}))$/;
const HEX64 = /^[0-9a-f]{64}$/;

export function checkBlobRefs(v: unknown, what: string): BlobRef[] {
  if (!Array.isArray(v) || v.length > MAX_BLOBS)
    throw new SigrunError("PROTOCOL_ERROR", `${what}: expected an array of at most ${MAX_BLOBS} blobs`);
  const seen = new Set<string>();
  for (const b of v as BlobRef[]) {
    if (
      typeof b !== "object" ||
      b === null ||
      Object.keys(b).sort().join(",") !== "name,sha256,size" ||
      !NAME_RE.test(String(b.name)) ||
      !HEX64.test(String(b.sha256)) ||
      !Number.isSafeInteger(b.size) ||
      b.size < 0 ||
      seen.has(b.name)
    )
      throw new SigrunError("PROTOCOL_ERROR", `${what}: bad blob ${JSON.stringify(b).slice(0, 120)}`);
    seen.add(b.name);
  }
  return v as BlobRef[];
}

export async function wrapJobKey(jIdentity: string, ephemeral: string, jobKey: string): Promise<string> {
  const inner = await sealBytes(utf8Encode(jIdentity), [jobKey]);
  return toBase64(await sealBytes(inner, [ephemeral]));
}

export async function unwrapJobKey(
  wrapped: unknown,
  ephemeralIdentity: string,
  jobKeyIdentity: string,
): Promise<string> {
  if (typeof wrapped !== "string" || wrapped.length > 4096)
    throw new SigrunError("PROTOCOL_ERROR", "release: wrapped_key: expected base64");
  const inner = await openBytes(fromBase64(wrapped, "wrapped_key"), [ephemeralIdentity]);
  const j = utf8Decode(await openBytes(inner, [jobKeyIdentity]), "job key");
  if (!/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/.test(j))
    throw new SigrunError("SEAL_ERROR", "release: not an age identity");
  return j;
}
