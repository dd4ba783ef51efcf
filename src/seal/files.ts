import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, type Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { openAtomicFile, SigrunError } from "../core/index.js";
import { minorGcEvery } from "./bounded-memory.js";
import { createUnsealStream } from "./decrypt.js";
import { createSealStream, type SealOptions } from "./encrypt.js";
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
   * Collect dead chunk buffers every 8 MiB (see bounded-memory.ts) to keep peak RSS low on large
   * streams. For CLI processes; a library caller may prefer to leave its GC alone (default false).
   */
  readonly boundedMemory?: boolean;
}

export interface StreamResult {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

const READ_CHUNK = 256 * 1024;

function openInput(input: SealInput): Readable {
  if (typeof input !== "string") return input;
  return createReadStream(input, { highWaterMark: READ_CHUNK });
}

function ioError(what: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof SigrunError || code === undefined) return err;
  return new SigrunError("IO_ERROR", `${what}: ${code}`, { cause: err });
}

/** Runs input → transform → output; a path output appears only if everything succeeded. */
async function run(
  input: SealInput,
  output: SealOutput,
  transform: Transform,
  opts: StreamIoOptions,
  defaultMode: number,
): Promise<StreamResult> {
  // The output file is opened before the source exists: a 'data' listener puts the source in flowing
  // mode, so any await between it and pipeline() would drop the chunks that arrive meanwhile (a sealed
  // file of a silently truncated input).
  const file =
    typeof output === "string"
      ? await openAtomicFile(output, { mode: opts.mode ?? defaultMode, overwrite: opts.overwrite })
      : undefined;
  let bytesIn = 0;
  let bytesOut = 0;
  const source = openInput(input);
  // Observers, not pipeline stages: an extra 'data' listener sees each chunk without another hop.
  source.on("data", (c: Buffer) => {
    bytesIn += c.byteLength;
    opts.onProgress?.(bytesIn);
  });
  const collect = opts.boundedMemory ? minorGcEvery(4 * 1024 * 1024) : undefined;
  transform.on("data", (c: Buffer) => {
    bytesOut += c.byteLength;
    collect?.(c.byteLength);
  });
  const stages = [source, transform] as const;
  if (file === undefined) {
    const sink = output as Writable;
    try {
      await pipeline(...stages, sink, { end: sink !== process.stdout && sink !== process.stderr });
    } catch (err) {
      throw ioError("stream", err);
    }
    return { bytesIn, bytesOut };
  }
  try {
    await pipeline(...stages, file.stream);
  } catch (err) {
    await file.abort();
    throw ioError(typeof input === "string" ? input : (output as string), err);
  }
  await file.commit();
  return { bytesIn, bytesOut };
}

/** Seals `input` to `recipients` (age v1, binary or `armor`), streaming in constant memory. */
export function seal(
  input: SealInput,
  output: SealOutput,
  recipients: readonly SealRecipient[],
  opts: StreamIoOptions & SealOptions = {},
): Promise<StreamResult> {
  return run(input, output, createSealStream(recipients, opts), opts, 0o644);
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
    return run(input, output, createUnsealStream(identities), opts, 0o600);
  const spool = join(tmpdir(), `sigrun-unseal-${randomBytes(8).toString("hex")}.age`);
  try {
    await pipeline(openInput(input), createWriteStream(spool, { flags: "wx", mode: 0o600 }));
    const sink = new Writable({
      write(_c: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
        cb();
      },
    });
    await run(spool, sink, createUnsealStream(identities), opts, 0o600);
    return await run(spool, output, createUnsealStream(identities), {}, 0o600);
  } finally {
    await unlink(spool).catch(() => {});
  }
}

async function collect(input: Uint8Array, transform: Transform): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(c: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
      parts.push(c);
      cb();
    },
  });
  await pipeline(Readable.from([Buffer.from(input)]), transform, sink);
  return new Uint8Array(Buffer.concat(parts));
}

/** Seals a small in-memory payload (e.g. a wrapped data key); returns the age file bytes. */
export function sealBytes(
  plaintext: Uint8Array,
  recipients: readonly SealRecipient[],
  opts: SealOptions = {},
): Promise<Uint8Array> {
  return collect(plaintext, createSealStream(recipients, opts));
}

/** Opens a small in-memory age file (binary or armored); throws the same coded errors as `unseal`. */
export function unsealBytes(
  ciphertext: Uint8Array,
  identities: readonly SealIdentity[],
): Promise<Uint8Array> {
  return collect(ciphertext, createUnsealStream(identities));
}
