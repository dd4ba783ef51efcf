import { SigrunError, toBase64Url } from "../core/index.js";
import type { Signer } from "../keys/index.js";
import { sanitizeRelayText } from "../protocol/index.js";
import {
  Channel,
  checkTag,
  initiatorConfirmTag,
  type OpenedFrame,
  openJoin,
  type SignerSecrets,
  sasWords,
} from "../session/index.js";
import type { CountersignVerifier } from "./countersign-request.js";
import { type RelayLike, SecureLink } from "./link.js";
import {
  decodeClose,
  decodeConfirm,
  decodeProvenance,
  decodeRequest,
  encodeError,
  encodeReady,
  encodeReject,
} from "./messages.js";
import { type ProvenanceClaims, provenanceAudience } from "./provenance.js";
import { handleRequest, type PeerWatch, receiveData } from "./request-handler.js";
import type { Approver, SessionReview } from "./review.js";
import { idleBound, reviewOf, untilAborted } from "./signer-session.js";

export interface AuditEntry {
  readonly time: string;
  readonly event: "session" | "request";
  readonly [k: string]: unknown;
}

export interface SignerSessionOptions {
  readonly joinBytes: Uint8Array;
  readonly secrets: SignerSecrets;
  readonly signer: Signer;
  readonly connect: (url: string) => Promise<RelayLike>;
  /** Shows the session and asks whether to join; false declines (the initiator is told). */
  readonly reviewSession: (s: SessionReview) => Promise<boolean>;
  readonly approve: Approver;
  /** Verifies the build evidence of `countersign` requests; without it they are rejected. */
  readonly countersign?: CountersignVerifier;
  /** Local cap; the effective cap is the smaller of this and the join string's. */
  readonly maxSignatures?: number;
  readonly idleTimeoutMs: number;
  /** Wait for the initiator's key confirmation (default 30 s) and for each data frame (default 60 s). */
  readonly handshakeTimeoutMs?: number;
  readonly dataTimeoutMs?: number;
  /** Records a decision; awaited before the peer learns of it (a rejection releases nothing). */
  readonly audit?: (entry: AuditEntry) => void | Promise<void>;
  readonly onJoined?: (sas: string) => void;
  /** Verifies an initiator's provenance token (CI OIDC); `required` rejects sessions without one. */
  readonly provenance?: {
    readonly verify: (token: string, audience: string) => Promise<ProvenanceClaims>;
    readonly required: boolean;
  };
  readonly onProvenance?: (claims: ProvenanceClaims) => void;
  readonly onProgress?: (message: string) => void;
  /** Aborting (Ctrl-C) sends `error INTERRUPTED` to the initiator and closes the relay session. */
  readonly signal?: AbortSignal;
}

export { inspectJoin } from "./signer-session.js";

export interface SignerResult {
  readonly joined: boolean;
  readonly signed: number;
  readonly rejected: number;
  readonly endedBy: string;
}

const CONFIRM_TIMEOUT_MS = 30_000;
const DATA_TIMEOUT_MS = 60_000;

/** Runs the signer side of a session: review, join, confirm keys, then review and sign each request. */
export async function runSigner(o: SignerSessionOptions): Promise<SignerResult> {
  const progress = o.onProgress ?? (() => {});
  const audit = o.audit ?? (() => {});
  const opened = await openJoin(o.joinBytes, o.secrets, Math.floor(Date.now() / 1000));
  const review = reviewOf(opened.mode, opened.payload, o.signer);
  const cap = Math.min(opened.payload.maxSignatures, o.maxSignatures ?? Number.MAX_SAFE_INTEGER);
  const base = {
    context: opened.payload.context,
    relay: opened.payload.relay,
    keyId: o.signer.publicKey.keyId,
  };
  // From here on the routing id is known: a local failure (review, policy, audit log) is not thrown
  // at once but reported to the initiator over the channel, so it fails fast instead of waiting out
  // its join timeout (docs/spec/session.md §8).
  let proceed = false;
  let failure: unknown;
  try {
    proceed = review.keyMatches && (await untilAborted(o.reviewSession(review), o.signal));
    await audit({
      time: new Date().toISOString(),
      event: "session",
      ...base,
      decision: proceed ? "join" : "decline",
      keyMatches: review.keyMatches,
    });
  } catch (err) {
    failure = err;
  }

  let relay: RelayLike;
  try {
    relay = await o.connect(opened.payload.relay);
  } catch (err) {
    throw failure ?? err;
  }
  let link: SecureLink | undefined;
  const interrupted = new SigrunError("INTERRUPTED", "the signer was interrupted; the initiator was told");
  const onAbort = () => {
    void (async () => {
      if (link) await link.send("error", encodeError("INTERRUPTED", "signer interrupted")).catch(() => {});
      await relay.close("signer interrupted").catch(() => {});
    })();
  };
  if (o.signal?.aborted) failure ??= interrupted;
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const { hello, keys } = opened.respond();
    await relay.join(toBase64Url(opened.payload.routingId), hello);
    link = new SecureLink(relay, new Channel(keys, "signer", relay.welcome.limits.maxFrameBytes));
    if (failure !== undefined) {
      // Tell the initiator first, then give its `confirm` a moment to arrive, so it reads our error
      // instead of finding the relay session already closed.
      const code = failure instanceof SigrunError ? failure.code : "INTERNAL";
      await link.send("error", encodeError(code, "signer failed")).catch(() => {});
      link = undefined;
      await relay.next({ timeoutMs: 2000 }).catch(() => {});
      throw failure;
    }
    let confirm: Uint8Array;
    try {
      const f = await link.recv(o.handshakeTimeoutMs ?? CONFIRM_TIMEOUT_MS);
      if (f.type !== "confirm") throw new SigrunError("HANDSHAKE_FAILED", `expected confirm, got ${f.type}`);
      confirm = decodeConfirm(f.plaintext);
    } catch (err) {
      throw new SigrunError(
        "HANDSHAKE_FAILED",
        `initiator did not confirm the session key: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    checkTag(initiatorConfirmTag(keys), confirm, "initiator");
    o.onJoined?.(sasWords(keys.sas));
    if (!proceed) {
      const code = review.keyMatches ? "DECLINED" : "SIGNER_UNTRUSTED";
      await link.send(
        "reject",
        encodeReject({
          reqId: 0,
          code,
          reason: review.keyMatches ? "the signer declined the session" : "the signer holds a different key",
        }),
      );
      await relay.close("declined").catch(() => {});
      if (!review.keyMatches)
        throw new SigrunError(
          "SIGNER_UNTRUSTED",
          "join string expects a different signing key; the initiator was told",
        );
      return { joined: true, signed: 0, rejected: 0, endedBy: "declined" };
    }
    await link.send(
      "ready",
      encodeReady({
        signingKeyId: o.signer.publicKey.keyId,
        algorithm: o.signer.publicKey.algorithm,
        maxSignatures: cap,
      }),
    );
    progress("session established; waiting for requests");
    let pending: OpenedFrame | undefined = await link.recv(o.idleTimeoutMs);
    let provenance: ProvenanceClaims | undefined;
    if (pending.type === "provenance") {
      const token = decodeProvenance(pending.plaintext);
      pending = undefined;
      if (o.provenance) {
        try {
          provenance = await o.provenance.verify(token, provenanceAudience(keys.transcriptHash));
        } catch (err) {
          await link.send(
            "reject",
            encodeReject({ reqId: 0, code: "UNAUTHORIZED", reason: "provenance token rejected" }),
          );
          await audit({
            time: new Date().toISOString(),
            event: "session",
            ...base,
            decision: "reject",
            reason: (err as Error).message,
          });
          throw err;
        }
        o.onProvenance?.(provenance);
      } else
        progress("the initiator sent a provenance token, but no issuer is trusted (--oidc-issuer): ignored");
    }
    if (o.provenance?.required && provenance === undefined) {
      await link.send(
        "reject",
        encodeReject({ reqId: 0, code: "UNAUTHORIZED", reason: "provenance required" }),
      );
      throw new SigrunError(
        "UNAUTHORIZED",
        "the initiator sent no valid provenance token (--require-provenance)",
      );
    }
    if (provenance) await audit({ time: new Date().toISOString(), event: "session", ...base, provenance });
    let signed = 0;
    let rejected = 0;
    let next: PeerWatch | undefined;
    for (;;) {
      let f: OpenedFrame;
      if (pending) f = pending;
      else if (next) {
        const w = await idleBound(next, o.idleTimeoutMs);
        if (w.error !== undefined) throw w.error;
        f = w.frame!;
      } else f = await link.recv(o.idleTimeoutMs);
      pending = undefined;
      next = undefined;
      if (f.type === "close") {
        const why = sanitizeRelayText(decodeClose(f.plaintext), { maxChars: 200 });
        await relay.close("done").catch(() => {});
        return { joined: true, signed, rejected, endedBy: `initiator closed the session: ${why}` };
      }
      if (f.type === "error") {
        await relay.close("initiator aborted").catch(() => {});
        return { joined: true, signed, rejected, endedBy: "initiator aborted" };
      }
      if (f.type !== "request")
        throw new SigrunError("CHANNEL_ERROR", `unexpected ${f.type} frame, expected request`);
      const req = decodeRequest(f.plaintext);
      const data = await receiveData(link, req, o.dataTimeoutMs ?? DATA_TIMEOUT_MS);
      const outcome = await handleRequest(
        o,
        link,
        req,
        data,
        signed >= cap,
        base.context,
        provenance,
        (a) => audit({ time: new Date().toISOString(), event: "request", ...base, ...a }),
        { index: signed + rejected + 1, total: opened.payload.maxSignatures },
      );
      if (outcome.signed) signed++;
      else rejected++;
      if (outcome.withdrawn !== undefined) {
        await relay.close("withdrawn").catch(() => {});
        return { joined: true, signed, rejected, endedBy: outcome.withdrawn };
      }
      next = outcome.next;
    }
  } catch (err) {
    const code = err instanceof SigrunError ? err.code : "INTERNAL";
    if (link) await link.send("error", encodeError(code, "signer failed")).catch(() => {});
    await relay.close("signer failed").catch(() => {});
    throw failure ?? (o.signal?.aborted ? interrupted : err);
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
}
