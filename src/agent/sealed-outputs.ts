// Seals what a sealed job produced — every regular file under outputs/, stdout, stderr and the output
// manifest — to the client's per-job recipient O, into a spool directory inside the job's private dir.
import { createReadStream, lstatSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { SigrunError, sha256Hex } from "../core/index.js";
import {
  type BlobRef,
  encodeOutputManifest,
  type JobManifest,
  MAX_INPUTS,
  OUTPUTS_TYPE,
  type OutputFile,
  sealBytes,
  sealFile,
} from "../jobwire/index.js";
import type { RunSummary } from "./outcome.js";

export interface SealedOutputs {
  /** outputs.manifest, stdout, stderr, output/0 … in this order. */
  readonly refs: BlobRef[];
  open(name: string): Readable;
  /** The sealed file of a blob in the spool. */
  path(name: string): string;
}

/** Regular files under `root`, relative `/` paths sorted by bytes; anything else is refused. */
export function listOutputFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p, r);
      else if (st.isFile()) out.push(r);
      else throw new SigrunError("INPUT_INVALID", `output ${r}: not a regular file`);
      if (out.length > MAX_INPUTS) throw new SigrunError("LIMIT_EXCEEDED", `more than ${MAX_INPUTS} outputs`);
    }
  };
  walk(root, "");
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export async function sealOutputs(
  dir: string,
  outputsDir: string,
  manifest: JobManifest,
  jobDigest: string,
  summary: RunSummary,
): Promise<SealedOutputs> {
  const spool = join(dir, `spool-${Date.now()}`);
  mkdirSync(spool, { mode: 0o700 });
  const o = [manifest.output_recipient];
  const files: OutputFile[] = [];
  const fileRefs: BlobRef[] = [];
  const paths = listOutputFiles(outputsDir);
  for (let i = 0; i < paths.length; i++) {
    const name = `output/${i}`;
    const r = await sealFile(join(outputsDir, ...paths[i]!.split("/")), join(spool, `output-${i}`), o);
    files.push({ blob: name, path: paths[i]!, ...r.plain });
    fileRefs.push({ name, ...r.cipher });
  }
  const small = async (name: string, file: string, data: Uint8Array): Promise<BlobRef> => {
    const ct = await sealBytes(data, o);
    writeFileSync(join(spool, file), ct, { mode: 0o600 });
    return { name, sha256: sha256Hex(ct), size: ct.byteLength };
  };
  const refs = [
    await small(
      "outputs.manifest",
      "outputs.manifest",
      encodeOutputManifest({ _type: OUTPUTS_TYPE, job_digest: jobDigest, files }),
    ),
    await small("stdout", "stdout", summary.stdout),
    await small("stderr", "stderr", summary.stderr),
    ...fileRefs,
  ];
  const fileOf = (name: string): string => (name.startsWith("output/") ? `output-${name.slice(7)}` : name);
  return {
    refs,
    open: (name) => createReadStream(join(spool, fileOf(name))),
    path: (name) => join(spool, fileOf(name)),
  };
}
