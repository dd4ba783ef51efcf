// The output manifest (docs/spec/sealed-execution.md §6), sealed to the client's per-job recipient O: the
// plaintext paths, sizes and digests behind the `output/N` blobs. Outside the seal only `output/N` names,
// ciphertext digests and sizes are visible.
import { canonicalJson, SigrunError, utf8Decode, utf8Encode } from "../core/index.js";
import { checkInputPath, MAX_INPUTS } from "./job-manifest.js";

export const OUTPUTS_TYPE = "https://sigrun.dev/sealed-outputs/v1";

export interface OutputFile {
  readonly blob: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface OutputManifest {
  readonly _type: typeof OUTPUTS_TYPE;
  readonly job_digest: string;
  readonly files: readonly OutputFile[];
}

export function encodeOutputManifest(m: OutputManifest): Uint8Array {
  return utf8Encode(canonicalJson(m));
}

function bad(why: string): SigrunError {
  return new SigrunError("RECEIPT_INVALID", `output manifest: ${why}`);
}

export function parseOutputManifest(bytes: Uint8Array, jobDigest: string): OutputManifest {
  let m: OutputManifest;
  try {
    m = JSON.parse(utf8Decode(bytes, "output manifest")) as OutputManifest;
  } catch {
    throw bad("not json");
  }
  if (typeof m !== "object" || m === null || Object.keys(m).sort().join(",") !== "_type,files,job_digest")
    throw bad("expected exactly _type, job_digest, files");
  if (m._type !== OUTPUTS_TYPE) throw bad(`_type: expected ${OUTPUTS_TYPE}`);
  if (m.job_digest !== jobDigest) throw bad("job_digest: not this job's");
  if (!Array.isArray(m.files) || m.files.length > MAX_INPUTS) throw bad("files: expected an array");
  const paths = new Set<string>();
  m.files.forEach((f, i) => {
    if (
      typeof f !== "object" ||
      f === null ||
      Object.keys(f).sort().join(",") !== "blob,path,sha256,size" ||
      f.blob !== `output/${i}` ||
      !Number.isSafeInteger(f.size) ||
      f.size < 0 ||
      !/^[0-9a-f]{64}$/.test(String(f.sha256))
    )
      throw bad(`files[${i}]: expected {blob: output/${i}, path, size, sha256}`);
    try {
      checkInputPath(f.path);
    } catch (err) {
      throw bad((err as Error).message);
    }
    if (paths.has(f.path)) throw bad(`files: ${f.path} twice`);
    paths.add(f.path);
  });
  return m;
}
