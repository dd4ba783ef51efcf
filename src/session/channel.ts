import { SigrunError } from "../core/index.js";
import type { SessionKeys } from "./key-schedule.js";
import { chachaOpen, chachaSeal } from "./primitives.js";

/**
 * The AEAD channel (docs/spec/session.md §5). A frame is
 *   header = version(1) || direction(1) || seq(8, big-endian) || type(1)      (11 bytes, the AAD)
 *   body   = ChaCha20-Poly1305(key_dir, nonce = iv_dir XOR (0^4 || seq), plaintext, aad = header)
 * Each direction has its own key, IV and sequence counter starting at 0. The receiver accepts only
 * the next sequence number of the peer's direction: a replayed, reordered, dropped, reflected or
 * forged frame kills the channel (every later call throws CHANNEL_ERROR).
 */
export const FRAME_VERSION = 1;
export const HEADER_BYTES = 11;
export const DIR_I2S = 1;
export const DIR_S2I = 2;

export const FRAME_TYPES = {
  confirm: 1,
  ready: 2,
  request: 3,
  response: 4,
  reject: 5,
  error: 6,
  close: 7,
  data: 8,
  provenance: 9,
} as const;
export type FrameType = keyof typeof FRAME_TYPES;
const TYPE_NAMES = new Map<number, FrameType>(
  Object.entries(FRAME_TYPES).map(([k, v]) => [v, k as FrameType]),
);

/** Default cap on a whole frame; the effective cap is min(this, the relay's maxFrameBytes). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Close (never wrap) after this many frames in one direction. */
export const MAX_FRAMES_PER_DIRECTION = 2 ** 32;

export type Role = "initiator" | "signer";

function nonceFor(iv: Uint8Array, seq: bigint): Uint8Array {
  const n = Uint8Array.from(iv);
  for (let i = 0; i < 8; i++) n[11 - i]! ^= Number((seq >> BigInt(8 * i)) & 0xffn);
  return n;
}

export function frameHeader(direction: number, seq: bigint, type: number): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  h[0] = FRAME_VERSION;
  h[1] = direction;
  new DataView(h.buffer).setBigUint64(2, seq, false);
  h[10] = type;
  return h;
}

export interface OpenedFrame {
  readonly type: FrameType;
  readonly seq: bigint;
  readonly plaintext: Uint8Array;
}

export class Channel {
  readonly #sendKey: Uint8Array;
  readonly #sendIv: Uint8Array;
  readonly #recvKey: Uint8Array;
  readonly #recvIv: Uint8Array;
  readonly #sendDir: number;
  readonly #recvDir: number;
  readonly maxFrameBytes: number;
  #sendSeq = 0n;
  #recvSeq = 0n;
  #dead: string | undefined;
  #closedLocally = false;

  constructor(keys: SessionKeys, role: Role, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    const i = role === "initiator";
    this.#sendKey = i ? keys.i2sKey : keys.s2iKey;
    this.#sendIv = i ? keys.i2sIv : keys.s2iIv;
    this.#recvKey = i ? keys.s2iKey : keys.i2sKey;
    this.#recvIv = i ? keys.s2iIv : keys.i2sIv;
    this.#sendDir = i ? DIR_I2S : DIR_S2I;
    this.#recvDir = i ? DIR_S2I : DIR_I2S;
    this.maxFrameBytes = Math.min(maxFrameBytes, DEFAULT_MAX_FRAME_BYTES);
  }

  get dead(): string | undefined {
    return this.#dead;
  }

  #kill(message: string): never {
    this.#dead ??= message;
    throw new SigrunError("CHANNEL_ERROR", message);
  }

  /** Largest plaintext that fits one frame. */
  get maxPlaintextBytes(): number {
    return this.maxFrameBytes - HEADER_BYTES - 16;
  }

  /**
   * Seals one frame. After a receive-side failure only `error` and `close` may still be sent, so the
   * peer learns why the session ends; after `close()` nothing may.
   */
  seal(type: FrameType, plaintext: Uint8Array): Uint8Array {
    if (this.#dead !== undefined && (this.#closedLocally || (type !== "error" && type !== "close")))
      this.#kill(`channel closed: ${this.#dead}`);
    if (plaintext.byteLength > this.maxPlaintextBytes)
      throw new SigrunError(
        "FRAME_TOO_LARGE",
        `frame: plaintext of ${plaintext.byteLength} bytes exceeds ${this.maxPlaintextBytes}`,
      );
    if (this.#sendSeq >= BigInt(MAX_FRAMES_PER_DIRECTION)) this.#kill("frame: sequence limit reached");
    const header = frameHeader(this.#sendDir, this.#sendSeq, FRAME_TYPES[type]);
    const body = chachaSeal(this.#sendKey, nonceFor(this.#sendIv, this.#sendSeq), plaintext, header);
    this.#sendSeq++;
    const out = new Uint8Array(HEADER_BYTES + body.byteLength);
    out.set(header);
    out.set(body, HEADER_BYTES);
    return out;
  }

  open(frame: Uint8Array): OpenedFrame {
    if (this.#dead !== undefined) this.#kill(`channel closed: ${this.#dead}`);
    if (frame.byteLength > this.maxFrameBytes)
      this.#kill(`frame: ${frame.byteLength} bytes exceeds ${this.maxFrameBytes}`);
    if (frame.byteLength < HEADER_BYTES + 16) this.#kill("frame: truncated");
    const header = frame.subarray(0, HEADER_BYTES);
    if (header[0] !== FRAME_VERSION) this.#kill(`frame: version ${header[0]}, expected ${FRAME_VERSION}`);
    if (header[1] !== this.#recvDir)
      this.#kill(`frame: direction ${header[1]}, expected ${this.#recvDir} (reflected frame?)`);
    const seq = new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getBigUint64(2, false);
    if (seq !== this.#recvSeq)
      this.#kill(`frame: sequence ${seq}, expected ${this.#recvSeq} (replayed, reordered or dropped frame)`);
    const type = TYPE_NAMES.get(header[10]!);
    if (type === undefined) this.#kill(`frame: unknown type ${header[10]}`);
    const plaintext = chachaOpen(
      this.#recvKey,
      nonceFor(this.#recvIv, seq),
      frame.subarray(HEADER_BYTES),
      header,
    );
    if (plaintext === undefined) this.#kill("frame: authentication failed");
    this.#recvSeq++;
    return { type, seq, plaintext };
  }

  /** Marks the channel unusable (after a local error or a close). */
  close(reason: string): void {
    this.#dead ??= reason;
    this.#closedLocally = true;
  }
}
