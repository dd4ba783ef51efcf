// Where a sealed job's blobs come from on the host: the session stream itself (default) or a store.
// Every blob is checked against the release's ciphertext digest and size, and every input's plaintext
// against the job manifest, before the bundle runs.
import { join } from "node:path";
import { SigrunError, sha256Hex } from "../core/index.js";
import { type BlobRef, type FrameReader, type InputEntry, unsealToFile } from "../jobwire/index.js";

export interface BlobSource {
  /** A small blob, in memory, digest-checked. */
  bytes(ref: BlobRef, cap: number): Promise<Uint8Array>;
  /** An input blob unsealed with J to `root/entry.path`; ciphertext and plaintext checked. */
  toFile(ref: BlobRef, j: string, root: string, entry: InputEntry): Promise<void>;
}

function mismatch(what: string): SigrunError {
  return new SigrunError("DIGEST_MISMATCH", `${what}: digest or size differs from the one announced`);
}

async function header(reader: FrameReader, ref: BlobRef): Promise<void> {
  const m = await reader.expect("blob");
  if (m.name !== ref.name || m.sha256 !== ref.sha256 || m.size !== ref.size)
    throw new SigrunError("PROTOCOL_ERROR", `blob ${String(m.name)}: not the announced ${ref.name}`);
}

/** Blobs that follow the release on the session stream, in the release's order. */
export function streamSource(reader: FrameReader): BlobSource {
  return {
    async bytes(ref, cap) {
      await header(reader, ref);
      if (ref.size > cap) throw new SigrunError("TOO_LARGE", `blob ${ref.name}: larger than ${cap} bytes`);
      const parts: Buffer[] = [];
      for await (const c of reader.blob(ref.size)) parts.push(Buffer.from(c));
      const buf = Buffer.concat(parts);
      if (sha256Hex(buf) !== ref.sha256) throw mismatch(`blob ${ref.name}`);
      return new Uint8Array(buf);
    },
    async toFile(ref, j, root, entry) {
      await header(reader, ref);
      await unsealToFile(
        reader.blob(ref.size),
        j,
        join(root, ...entry.path.split("/")),
        ref,
        entry,
        `input ${entry.path}`,
      );
    },
  };
}
