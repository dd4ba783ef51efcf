// The client's inputs: every regular file under --inputs, sealed to the per-job key J into a private spool
// in one read (plaintext and ciphertext hashed on the way), named `input/N` in sorted path order.
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import { type BlobRef, checkInputPath, type InputEntry, MAX_INPUTS, sealFile } from "../jobwire/index.js";

export interface SealedFile {
  readonly ref: BlobRef;
  /** The sealed copy in the spool. */
  readonly file: string;
}

export interface SealedInput extends SealedFile {
  readonly entry: InputEntry;
}

/** Relative `/` paths of the regular files under `root`, sorted by UTF-8 bytes; links and devices refused. */
export function listInputFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, name));
      if (st.isDirectory()) walk(join(dir, name), r);
      else if (st.isFile()) out.push(checkInputPath(r));
      else throw new SigrunError("INPUT_INVALID", `--inputs: ${r} is not a regular file or directory`);
      if (out.length > MAX_INPUTS)
        throw new SigrunError("LIMIT_EXCEEDED", `--inputs: more than ${MAX_INPUTS} files`);
    }
  };
  try {
    if (!lstatSync(root).isDirectory()) throw new Error("not a directory");
  } catch (err) {
    throw new SigrunError("USAGE", `--inputs ${root}: ${(err as Error).message}`);
  }
  walk(root, "");
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export async function sealInputs(
  root: string,
  spool: string,
  j: string,
  progress?: (done: number, total: number) => void,
): Promise<SealedInput[]> {
  const paths = listInputFiles(root);
  const out: SealedInput[] = [];
  for (let i = 0; i < paths.length; i++) {
    const file = join(spool, `input-${i}`);
    const r = await sealFile(join(root, ...paths[i]!.split("/")), file, [j]);
    out.push({
      entry: { path: paths[i]!, size: r.plain.size, sha256: r.plain.sha256 },
      ref: { name: `input/${i}`, ...r.cipher },
      file,
    });
    progress?.(i + 1, paths.length);
  }
  return out;
}
