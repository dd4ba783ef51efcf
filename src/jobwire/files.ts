// Streaming seal and unseal of one file with digests taken on the way (one read, constant memory). Used by
// both ends: the client seals inputs and unseals outputs, the host the other way round.
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { isSigrunError, SigrunError } from "../core/index.js";
import { sealTransform, unsealTransform } from "./age.js";

export interface Digest {
  readonly sha256: string;
  readonly size: number;
}

function tap(h: ReturnType<typeof createHash>, count: { n: number }, max = Number.POSITIVE_INFINITY) {
  return async function* (src: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const c of src) {
      h.update(c);
      count.n += c.byteLength;
      if (count.n > max) throw new SigrunError("DIGEST_MISMATCH", "larger than declared");
      yield c;
    }
  };
}

/** Seals `src` to `recipients` into the new file `dest` (0600); returns plaintext and ciphertext digests. */
export async function sealFile(
  src: AsyncIterable<Uint8Array>,
  dest: string,
  recipients: readonly string[],
): Promise<{ plain: Digest; cipher: Digest }> {
  const pt = createHash("sha256");
  const ct = createHash("sha256");
  const pn = { n: 0 };
  const cn = { n: 0 };
  await pipeline(
    src,
    tap(pt, pn),
    sealTransform(recipients),
    tap(ct, cn),
    createWriteStream(dest, { flags: "wx", mode: 0o600 }),
  );
  return {
    plain: { sha256: pt.digest("hex"), size: pn.n },
    cipher: { sha256: ct.digest("hex"), size: cn.n },
  };
}

/**
 * Unseals ciphertext chunks with `identity` into the new file `dest` (0600, parents 0700), and checks the
 * ciphertext and the plaintext against the expected digests and sizes (DIGEST_MISMATCH). The caller
 * removes `dest` (its private directory) on failure.
 */
export async function unsealToFile(
  chunks: AsyncIterable<Uint8Array>,
  identity: string,
  dest: string,
  cipher: Digest | null,
  plain: Digest,
  label: string,
): Promise<void> {
  mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
  const ct = createHash("sha256");
  const pt = createHash("sha256");
  const cn = { n: 0 };
  const pn = { n: 0 };
  try {
    await pipeline(
      chunks,
      tap(ct, cn, cipher?.size),
      unsealTransform([identity]),
      tap(pt, pn, plain.size),
      createWriteStream(dest, { flags: "wx", mode: 0o600 }),
    );
  } catch (err) {
    if (isSigrunError(err)) throw new SigrunError(err.code, `${label}: ${err.message}`, { cause: err });
    throw new SigrunError("SEAL_ERROR", `${label}: ${(err as Error).message}`, { cause: err });
  }
  if (cipher && (ct.digest("hex") !== cipher.sha256 || cn.n !== cipher.size))
    throw new SigrunError("DIGEST_MISMATCH", `${label}: ciphertext digest or size differs`);
  if (pt.digest("hex") !== plain.sha256 || pn.n !== plain.size)
    throw new SigrunError("DIGEST_MISMATCH", `${label}: plaintext digest or size differs`);
}
