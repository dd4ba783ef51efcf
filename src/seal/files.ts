import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { openAtomicFile, SigrunError } from "../core/index.js";
import { minorGcEvery } from "./bounded-memory.js";
import { UnsealEngine } from "./decrypt.js";
import { SealEngine, type SealOptions } from "./encrypt.js";
import { type ChunkEngine, endSink, pump } from "./pump.js";
import type { SealIdentity, SealRecipient } from "./types.js";

/** Where bytes come from: a file path or a Node Readable (e.g. process.stdin). */
export type SealInput = string | Readable;
/** Where bytes go: a file path (written atomically) or a Node Writable (e.g. process.stdout). */
export type SealOutput = string | Writable;

export interface StreamIoOptions {
  /** Called with the running count of input bytes consumed (for a progress bar). */
  readonly onProgress?: (bytesIn: number) => void;
  /** Mode of a created output file (default 0o644 for seal, 0o600 for unseal). */
  readonly mode?: number;
  /** Replace an existing output file (default false). */
  readonly overwrite?: boolean;
  /**
   * Collect dead chunk buffers every 4 MiB of output (see bounded-memory.ts) to keep peak RSS low on large
   * streams. For CLI processes; a library caller may prefer to leave its GC alone (default false).
   */
  readonly boundedMemory?: boolean;
}

export interface StreamResult {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

function ioError(what: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof SigrunError || code === undefined) return err;
  return new SigrunError("IO_ERROR", `${what}: ${code}`, { cause: err });
}

/** Runs input → engine → output (see pump.ts); a path output appears only if everything succeeded. */
async function run(
  input: SealInput,
  output: SealOutput,
  engine: ChunkEngine | Promise<ChunkEngine>,
  opts: StreamIoOptions,
  defaultMode: number,
): Promise<StreamResult> {
  const collect = opts.boundedMemory ? minorGcEvery(4 * 1024 * 1024) : undefined;
  const pumpOpts = { onInput: opts.onProgress, onOutput: collect };
  if (typeof output !== "string") {
    const sink = output;
    try {
      const res = await pump(input, await engine, sink, pumpOpts);
      if (sink !== process.stdout && sink !== process.stderr) await endSink(sink);
      return res;
    } catch (err) {
      throw ioError("stream", err);
    }
  }
  const file = await openAtomicFile(output, { mode: opts.mode ?? defaultMode, overwrite: opts.overwrite });
  let res: StreamResult;
  try {
    res = await pump(input, await engine, file.stream, pumpOpts);
  } catch (err) {
    await file.abort();
    throw ioError(typeof input === "string" ? input : output, err);
  }
  await file.commit();
  return res;
}

/** Seals `input` to `recipients` (age v1, binary or `armor`), streaming in constant memory. */
export function seal(
  input: SealInput,
  output: SealOutput,
  recipients: readonly SealRecipient[],
  opts: StreamIoOptions & SealOptions = {},
): Promise<StreamResult> {
  return run(input, output, SealEngine.create(recipients, opts), opts, 0o644);
}

export interface UnsealOptions extends StreamIoOptions {
  /**
   * Authenticate the whole file before writing any plaintext to a stream output: the ciphertext is
   * first copied to a private temporary file (never the plaintext), checked end to end, then decrypted
   * again into `output`. Costs a second pass. Path outputs never need it (they are atomic).
   */
  readonly verifyFirst?: boolean;
}

/** Opens `input` with `identities`; a path output is created only once every chunk has verified. */
export async function unseal(
  input: SealInput,
  output: SealOutput,
  identities: readonly SealIdentity[],
  opts: UnsealOptions = {},
): Promise<StreamResult> {
  if (!opts.verifyFirst || typeof output === "string")
    return run(input, output, new UnsealEngine(identities), opts, 0o600);
  const spool = join(tmpdir(), `sigrun-unseal-${randomBytes(8).toString("hex")}.age`);
  try {
    const copy = createWriteStream(spool, { flags: "wx", mode: 0o600 });
    await pipeline(typeof input === "string" ? createReadStream(input) : input, copy);
    const sink = new Writable({
      write(_c: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
        cb();
      },
    });
    await run(spool, sink, new UnsealEngine(identities), opts, 0o600);
    return await run(spool, output, new UnsealEngine(identities), {}, 0o600);
  } finally {
    await unlink(spool).catch(() => {});
  }
}

async function inMemory(input: Uint8Array, engine: ChunkEngine): Promise<Uint8Array> {
  const out: Buffer[] = [];
  await engine.push(input, out);
  await engine.end(out);
  return new Uint8Array(Buffer.concat(out));
}

/** Seals a small in-memory payload (e.g. a wrapped data key); returns the age file bytes. */
export function sealBytes(
  plaintext: Uint8Array,
  recipients: readonly SealRecipient[],
  opts: SealOptions = {},
): Promise<Uint8Array> {
  return SealEngine.create(recipients, opts).then((e) => inMemory(plaintext, e));
}

/** Opens a small in-memory age file (binary or armored); throws the same coded errors as `unseal`. */
export function unsealBytes(
  ciphertext: Uint8Array,
  identities: readonly SealIdentity[],
): Promise<Uint8Array> {
  return inMemory(ciphertext, new UnsealEngine(identities));
}
