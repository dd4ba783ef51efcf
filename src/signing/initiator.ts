import { fromBase64Url, SigrunError } from "../core/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import {
  Channel,
  type InitiatorHandshake,
  initiatePublicKey,
  initiateSharedSecret,
  initiatorConfirmTag,
  type JoinPayload,
  joinToLine,
  joinToPem,
  type OpenedFrame,
  sasWords,
  signerKeyIdBytes,
} from "../session/index.js";
import { expect, sendRequest, verifyOutput } from "./initiator-requests.js";
import { type RelayLike, SecureLink } from "./link.js";
import {
  decodeReady,
  decodeResponse,
  encodeClose,
  encodeConfirm,
  encodeError,
  encodeProvenance,
  type RemoteFormat,
} from "./messages.js";
import { provenanceAudience } from "./provenance.js";

export interface SignItem {
  readonly name: string;
  readonly data: Uint8Array;
  readonly format: RemoteFormat;
  /** A `countersign` request: the build evidence (approval + attestation lines) sent with the artifact. */
  readonly evidence?: Uint8Array;
}

export interface JoinInfo {
  readonly bytes: Uint8Array;
  readonly line: string;
  readonly pem: string;
  readonly expiresAt: Date;
  readonly mode: "public-key" | "shared-secret";
}

export interface InitiatorOptions {
  readonly relay: RelayLike;
  readonly relayUrl: string;
  readonly mode:
    | { readonly kind: "public-key"; readonly signerKex: Uint8Array }
    | { readonly kind: "shared-secret"; readonly secret: Uint8Array };
  /** The pinned signing key: every returned signature must verify against it. */
  readonly signerKey: PublicKeyInfo;
  readonly items: readonly SignItem[];
  readonly context: string;
  readonly joinTimeoutMs: number;
  readonly responseTimeoutMs: number;
  /** Wait for the signer's `ready` after the key confirmation (default 30 s). */
  readonly handshakeTimeoutMs?: number;
  readonly onJoinString: (join: JoinInfo) => void;
  /** Obtains a CI OIDC token for the given audience (bound to this session); sent after `ready`. */
  readonly provenance?: (audience: string) => Promise<string>;
  readonly onJoined?: (sas: string) => void;
  readonly onProgress?: (message: string) => void;
  /** Stop at the first declined request and return nothing (default: go on, return what was signed). */
  readonly allOrNothing?: boolean;
  /** Aborting (Ctrl-C, SIGTERM) tells the signer at once (`error INTERRUPTED`), withdrawing its question. */
  readonly signal?: AbortSignal;
}

export interface DeclinedItem {
  readonly index: number;
  readonly name: string;
  readonly code: string;
  readonly reason: string;
}

export interface InitiatorResult {
  /**
   * One per item, in order: the detached signature, or for bundles the signed `.sgb`; `undefined` for
   * an item the signer declined (listed in `declined`). At least one is present.
   */
  readonly outputs: (Uint8Array | undefined)[];
  readonly declined: DeclinedItem[];
  readonly sas: string;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;

/** Runs the initiator side of a remote-signing session. Writes nothing; the caller writes outputs. */
export async function runInitiator(o: InitiatorOptions): Promise<InitiatorResult> {
  if (o.items.length === 0) throw new SigrunError("USAGE", "nothing to sign");
  if (o.signal?.aborted) throw new SigrunError("INTERRUPTED", "interrupted before the session started");
  let link: SecureLink | undefined;
  const onAbort = () => {
    void (async () => {
      if (link)
        await link.send("error", encodeError("INTERRUPTED", "the initiator was interrupted")).catch(() => {});
      await o.relay.close("initiator interrupted").catch(() => {});
    })();
  };
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await initiate(o, (l) => {
      link = l;
    });
    return result;
  } catch (err) {
    if (o.signal?.aborted)
      throw new SigrunError("INTERRUPTED", "interrupted; the signer was told", { cause: err });
    throw err;
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
}

async function initiate(o: InitiatorOptions, linkUp: (l: SecureLink) => void): Promise<InitiatorResult> {
  const progress = o.onProgress ?? (() => {});
  const ttlSeconds = Math.max(1, Math.ceil(o.joinTimeoutMs / 1000));
  const session = await o.relay.create({ ttlSeconds });
  const expiry = Math.floor(Date.now() / 1000) + ttlSeconds;
  const payload: JoinPayload = {
    relay: o.relayUrl,
    routingId: fromBase64Url(session.session, "session id"),
    expiry,
    signerKeyId: signerKeyIdBytes(o.signerKey.spkiDer),
    maxSignatures: o.items.length,
    context: o.context,
  };
  const hs: InitiatorHandshake =
    o.mode.kind === "public-key"
      ? await initiatePublicKey(o.mode.signerKex, payload)
      : initiateSharedSecret(o.mode.secret, payload);
  o.onJoinString({
    bytes: hs.joinBytes,
    line: joinToLine(hs.joinBytes),
    pem: joinToPem(hs.joinBytes),
    expiresAt: new Date(expiry * 1000),
    mode: o.mode.kind,
  });

  let hello: Uint8Array | null;
  try {
    hello = await o.relay.waitForPeer({ timeoutMs: o.joinTimeoutMs });
  } catch (err) {
    if (err instanceof SigrunError && (err.code === "TIMEOUT" || err.code === "SESSION_EXPIRED"))
      throw new SigrunError("NOBODY_JOINED", `no signer joined within ${ttlSeconds} s`, { cause: err });
    throw err;
  }
  let link: SecureLink;
  let linked: SecureLink | undefined;
  let sas: string;
  try {
    if (hello === null)
      throw new SigrunError("HANDSHAKE_FAILED", "signer joined without a handshake message");
    const keys = hs.finish(hello);
    sas = sasWords(keys.sas);
    link = new SecureLink(o.relay, new Channel(keys, "initiator", o.relay.welcome.limits.maxFrameBytes));
    linked = link;
    linkUp(link);
    await link.send("confirm", encodeConfirm(initiatorConfirmTag(keys)));
    const ready = await expect(link, "ready", o.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS);
    const r = decodeReady(ready.plaintext);
    if (r.signingKeyId !== o.signerKey.keyId)
      throw new SigrunError(
        "SIGNER_UNTRUSTED",
        `signer key ${r.signingKeyId}: expected the pinned key ${o.signerKey.keyId}`,
        { details: { local: true } },
      );
    if (r.maxSignatures < o.items.length)
      throw new SigrunError(
        "PEER_REJECTED",
        `signer allows ${r.maxSignatures} signatures, ${o.items.length} needed`,
        { details: { local: true } },
      );
    if (o.provenance) {
      const token = await o.provenance(provenanceAudience(keys.transcriptHash));
      await link.send("provenance", encodeProvenance(token));
    }
  } catch (err) {
    // Our own refusal after the signer's `ready` (wrong key, too small a cap): tell the signer why
    // over the channel so it does not report a dropped relay.
    if (linked && err instanceof SigrunError && err.details?.local === true)
      await linked.send("close", encodeClose(err.message.slice(0, 200))).catch(() => {});
    await o.relay.close("handshake failed").catch(() => {});
    if (err instanceof SigrunError && ["INPUT_INVALID", "CHANNEL_ERROR"].includes(err.code))
      throw new SigrunError("HANDSHAKE_FAILED", err.message, { cause: err });
    throw err;
  }
  o.onJoined?.(sas);

  const outputs: (Uint8Array | undefined)[] = [];
  const declined: DeclinedItem[] = [];
  const answerWithinSeconds = Math.max(1, Math.floor(o.responseTimeoutMs / 1000));
  try {
    for (let i = 0; i < o.items.length; i++) {
      const item = o.items[i]!;
      const reqId = i + 1;
      progress(
        `sending request #${reqId} (${reqId} of ${o.items.length}): ${item.name} (${item.data.byteLength} bytes, ${item.format})`,
      );
      await sendRequest(link, reqId, item, answerWithinSeconds);
      let frame: OpenedFrame;
      try {
        frame = await expect(link, "response", o.responseTimeoutMs);
      } catch (err) {
        const peerReqId = err instanceof SigrunError ? err.details?.reqId : undefined;
        if (peerReqId !== reqId) throw err;
        // the signer declined this request only: note it and go on (unless all or nothing)
        const d = err as SigrunError;
        declined.push({ index: i, name: item.name, code: String(d.details?.peerCode), reason: d.message });
        outputs.push(undefined);
        progress(`request #${reqId}: ${d.message}`);
        if (o.allOrNothing) throw d;
        continue;
      }
      const resp = decodeResponse(frame.plaintext);
      if (resp.reqId !== reqId)
        throw new SigrunError("CHANNEL_ERROR", `response for #${resp.reqId}, expected #${reqId}`);
      outputs.push(await verifyOutput(item, resp.signature, o.signerKey));
      progress(`request #${reqId}: signature verified against ${o.signerKey.keyId}`);
    }
    if (declined.length === o.items.length)
      throw new SigrunError(
        "PEER_REJECTED",
        o.items.length === 1 ? declined[0]!.reason : `the signer declined all ${o.items.length} requests`,
        { details: { peerCode: declined[0]!.code } },
      );
    await link.send("close", encodeClose("done"));
  } catch (err) {
    const code = err instanceof SigrunError ? err.code : "INTERNAL";
    if (code === "PEER_REJECTED")
      await link
        .send(
          "close",
          encodeClose(o.allOrNothing ? "all or nothing: a request was declined" : "signer rejected"),
        )
        .catch(() => {});
    else
      await link
        .send(
          "error",
          encodeError(
            code,
            code === "TIMEOUT"
              ? `the initiator gave up: no answer within ${answerWithinSeconds} s`
              : "initiator aborted the session",
          ),
        )
        .catch(() => {});
    await o.relay.close("initiator aborted").catch(() => {});
    throw err;
  }
  await o.relay.close("done").catch(() => {});
  return { outputs, declined, sas };
}
