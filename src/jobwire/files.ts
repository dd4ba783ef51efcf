// Streaming seal and unseal of one file with digests taken on the way (one read, constant memory). Used by
// both ends: the client seals inputs and unseals outputs, the host the other way round. The bytes move
// through the seal module's pump (reused read buffers, one writev per batch); the digests are taken
// inside the engine calls, on the same buffers, with no stream stage per tap.
import { createHash, type Hash } from "node:crypto";
import { createWriteStream, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Writable } from "node:stream";
import { isSigrunError, SigrunError } from "../core/index.js";
import { type ChunkEngine, endSink, minorGcEvery, type PumpOptions, pump } from "../seal/index.js";
import { sealEngine, unsealEngine } from "./age.js";

export interface Digest {
  readonly sha256: string;
  readonly size: number;
}

/** Where file bytes come from: a path (read with reused buffers) or chunks (a stream, a frame reader). */
export type FileSource = string | AsyncIterable<Uint8Array>;

/** A running size with a cap (DIGEST_MISMATCH past it) and, unless `hashed` is false, a SHA-256. */
class Tally {
  private readonly hash: Hash | null;
  n = 0;
  constructor(
    private readonly max = Number.POSITIVE_INFINITY,
    hashed = true,
  ) {
    this.hash = hashed ? createHash("sha256") : null;
  }

  add(b: Uint8Array): void {
    this.n += b.byteLength;
    if (this.n > this.max) throw new SigrunError("DIGEST_MISMATCH", "larger than declared");
    this.hash?.update(b);
  }

  digest(): Digest {
    return { sha256: this.hash?.digest("hex") ?? "", size: this.n };
  }
}

/** `engine` with its input and output counted and hashed (outputs once the engine produced them). */
function tallied(engine: ChunkEngine, input: Tally, output: Tally): ChunkEngine {
  const run = (out: Buffer[], op: () => Promise<void> | undefined | void): Promise<void> | undefined => {
    const from = out.length;
    const after = (): void => {
      for (let i = from; i < out.length; i++) output.add(out[i]!);
    };
    const pending = op();
    if (pending) return pending.then(after);
    after();
    return undefined;
  };
  return {
    push(data, out) {
      input.add(data);
      return run(out, () => engine.push(data, out));
    },
    end(out) {
      return run(out, () => engine.end(out));
    },
  };
}

/** From this size on, dead chunk buffers are collected as they go (see seal/bounded-memory.ts). */
const LARGE = 16 * 1024 * 1024;

/**
 * A large file's pump collects its dead chunk buffers every 4 MiB with a minor GC: measured on the
 * agent (a big heap), letting them pile up to V8's external-memory trigger cost about a second of
 * full collections per GiB; the minor ones a fraction of that, and RSS stays flat.
 */
function pumpOptions(bytes: number): PumpOptions {
  return bytes >= LARGE ? { onOutput: minorGcEvery(4 * 1024 * 1024) } : {};
}

/** Runs `work` into the new file `dest` (0600, must not exist); on failure the sink is destroyed. */
async function intoNewFile<T>(dest: string, work: (sink: Writable) => Promise<T>): Promise<T> {
  const sink = createWriteStream("", { fd: openSync(dest, "wx", 0o600), highWaterMark: 1024 * 1024 });
  sink.on("error", () => {}); // reported through `work` or endSink
  try {
    const r = await work(sink);
    await endSink(sink);
    return r;
  } catch (err) {
    sink.destroy();
    throw err;
  }
}

/** Seals `src` to `recipients` into the new file `dest` (0600); returns plaintext and ciphertext digests. */
export async function sealFile(
  src: FileSource,
  dest: string,
  recipients: readonly string[],
): Promise<{ plain: Digest; cipher: Digest }> {
  const pt = new Tally();
  const ct = new Tally();
  const engine = tallied(await sealEngine(recipients), pt, ct);
  const opts = typeof src === "string" ? pumpOptions(statSync(src).size) : {};
  await intoNewFile(dest, (sink) => pump(src, engine, sink, opts));
  return { plain: pt.digest(), cipher: ct.digest() };
}

/**
 * Unseals ciphertext with `identity` into the new file `dest` (0600, parents 0700), and checks the
 * ciphertext and the plaintext against the expected digests and sizes (DIGEST_MISMATCH). `cipher` null:
 * the source checks the ciphertext itself (a verifying store stream). Plaintext of authenticated chunks
 * is written as it is opened, so the caller removes `dest` (its private directory) on any failure and
 * uses nothing in it unless this resolved.
 */
export async function unsealToFile(
  src: FileSource,
  identity: string,
  dest: string,
  cipher: Digest | null,
  plain: Digest,
  label: string,
): Promise<void> {
  mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
  const ct = new Tally(cipher?.size, cipher !== null);
  const pt = new Tally(plain.size);
  try {
    const engine = tallied(unsealEngine([identity]), ct, pt);
    await intoNewFile(dest, (sink) => pump(src, engine, sink, pumpOptions(plain.size)));
  } catch (err) {
    if (isSigrunError(err)) throw new SigrunError(err.code, `${label}: ${err.message}`, { cause: err });
    throw new SigrunError("SEAL_ERROR", `${label}: ${(err as Error).message}`, { cause: err });
  }
  const c = ct.digest();
  if (cipher && (c.sha256 !== cipher.sha256 || c.size !== cipher.size))
    throw new SigrunError("DIGEST_MISMATCH", `${label}: ciphertext digest or size differs`);
  const p = pt.digest();
  if (p.sha256 !== plain.sha256 || p.size !== plain.size)
    throw new SigrunError("DIGEST_MISMATCH", `${label}: plaintext digest or size differs`);
}

/** `src` counted and hashed as it goes: DIGEST_MISMATCH past `cipher.size`, or at its end if it differs. */
async function* checkedSource(src: AsyncIterable<Uint8Array>, cipher: Digest): AsyncGenerator<Uint8Array> {
  const t = new Tally(cipher.size);
  for await (const b of src) {
    t.add(b);
    yield b;
  }
  const d = t.digest();
  if (d.sha256 !== cipher.sha256 || d.size !== cipher.size)
    throw new SigrunError("DIGEST_MISMATCH", "ciphertext digest or size differs from the one announced");
}

/**
 * Unseals a download as it arrives into the new file `dest`, plaintext checked against `plain`. The
 * ciphertext is checked against `cipher` on the way (its size as bytes arrive, its digest at its end),
 * or, with `cipher` null, by the source itself (a verifying store stream). A failed unseal leaves the
 * download open and drains it: if the ciphertext then turns out to differ from the announced one, that is
 * the error (DIGEST_MISMATCH: other bytes than announced), not the seal error the altered bytes caused.
 * The caller removes `dest`'s private directory on any failure, as with unsealToFile.
 */
export async function unsealVerifiedSource(
  src: AsyncIterable<Uint8Array>,
  identity: string,
  dest: string,
  cipher: Digest | null,
  plain: Digest,
  label: string,
): Promise<void> {
  const it = (cipher ? checkedSource(src, cipher) : src)[Symbol.asyncIterator]();
  // Without `return`: a failed unseal leaves the download open, to be drained below.
  const source = { [Symbol.asyncIterator]: () => ({ next: () => it.next() }) };
  try {
    await unsealToFile(source, identity, dest, null, plain, label);
  } catch (err) {
    try {
      while (!(await it.next()).done);
    } catch (e) {
      if (isSigrunError(e) && e.code === "DIGEST_MISMATCH")
        throw new SigrunError("DIGEST_MISMATCH", `${label}: ${e.message}`, { cause: e });
    }
    throw err;
  }
}
