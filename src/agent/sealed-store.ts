// Sealed jobs with `execute --store URL`: the host fetches the sealed blobs from the untrusted store (each
// GET verified against digest and size before anything is unsealed) and puts the sealed outputs there;
// the deletion tokens go back to the client, which deletes everything after a verified pull.
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import type { BlobRef, InputEntry } from "../jobwire/index.js";
import { unsealVerifiedSource } from "../jobwire/index.js";
import { openStore, type StoreClient } from "../store/index.js";
import type { BlobSource } from "./sealed-blobs.js";

export interface StoreRef {
  readonly url: string;
  readonly token?: string;
}

export function parseStoreRef(v: unknown): StoreRef {
  const s = v as { url?: unknown; token?: unknown };
  if (
    typeof s !== "object" ||
    s === null ||
    typeof s.url !== "string" ||
    !/^(https?|s3):\/\/\S{1,1000}$/.test(s.url)
  )
    throw new SigrunError("PROTOCOL_ERROR", "release.store: expected {url: http(s)://… | s3://…}");
  if (s.token !== undefined && (typeof s.token !== "string" || s.token.length > 4096))
    throw new SigrunError("PROTOCOL_ERROR", "release.store.token: expected a string");
  return { url: s.url, token: s.token as string | undefined };
}

export function storeClient(ref: StoreRef): StoreClient {
  return openStore(ref.url, { token: ref.token });
}

const storeRef = (r: BlobRef) => ({ digest: `sha256:${r.sha256}`, size: r.size });

/**
 * Blobs fetched from the store. Small ones are verified before use. An input is unsealed while it
 * downloads, into the job's private inputs directory, and its size and digest are checked as it
 * arrives and at its end (then its plaintext against the manifest): on any mismatch `toFile` fails,
 * the job stops before its script starts and its private directory is removed — plaintext of an
 * unverified blob never reaches a job (the same rule as blobs streamed through the session).
 */
export function storeSource(client: StoreClient): BlobSource {
  return {
    bytes: (ref, cap) => client.getBytes(storeRef(ref), cap),
    toFile: (ref: BlobRef, j: string, root: string, entry: InputEntry) =>
      unsealVerifiedSource(
        client.stream(storeRef(ref)),
        j,
        join(root, ...entry.path.split("/")),
        null, // the store stream checks size and digest itself
        entry,
        `input ${entry.path}`,
      ),
  };
}

/** Puts each sealed output; returns the deletion tokens by blob name. */
export async function putOutputs(
  client: StoreClient,
  refs: readonly BlobRef[],
  pathOf: (name: string) => string,
): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const r of refs) {
    const put = await client.put(pathOf(r.name));
    if (put.digest !== `sha256:${r.sha256}` || put.size !== r.size)
      throw new SigrunError("DIGEST_MISMATCH", `store put ${r.name}: the store recorded another digest`);
    if (put.deleteToken) tokens[r.name] = put.deleteToken;
  }
  return tokens;
}
