import { bytesEqual, SigrunError } from "../core/index.js";
import type { Signer } from "../keys/index.js";
import { type OpenedFrame, openJoin, type SignerSecrets, signerKeyIdBytes } from "../session/index.js";
import type { PeerWatch } from "./request-handler.js";
import type { SessionReview } from "./review.js";

/** The signer's session helpers: the session review, and waits that end on abort or silence. */

/** Inspects a join string without contacting anyone (for `remote-sign --inspect`). */
export async function inspectJoin(
  joinBytes: Uint8Array,
  secrets: SignerSecrets,
  signer?: Signer,
): Promise<SessionReview> {
  const opened = await openJoin(joinBytes, secrets, Math.floor(Date.now() / 1000));
  return reviewOf(opened.mode, opened.payload, signer);
}

export function reviewOf(
  mode: "public-key" | "shared-secret",
  p: { relay: string; context: string; expiry: number; maxSignatures: number; signerKeyId: Uint8Array },
  signer?: Signer,
): SessionReview {
  return {
    mode,
    relay: p.relay,
    context: p.context,
    expiresAt: new Date(p.expiry * 1000),
    maxSignatures: p.maxSignatures,
    keyMatches: signer !== undefined && bytesEqual(signerKeyIdBytes(signer.publicKey.spkiDer), p.signerKeyId),
    keyChecked: signer !== undefined,
  };
}

/** `p`, or an INTERRUPTED rejection as soon as `signal` aborts (a pending terminal question). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const stop = () =>
      reject(new SigrunError("INTERRUPTED", "the signer was interrupted; the initiator was told"));
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}

/** `watch`, or a TIMEOUT after `ms` of silence (the idle timeout between requests). */
export async function idleBound(
  watch: PeerWatch,
  ms: number,
): Promise<{ frame?: OpenedFrame; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<{ error: unknown }>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          error: new SigrunError("TIMEOUT", `no message from the peer within ${Math.round(ms / 1000)} s`),
        }),
      ms,
    );
  });
  try {
    return await Promise.race([watch, idle]);
  } finally {
    clearTimeout(timer);
  }
}
