import { SigrunError, sha256 as sha256Of } from "../core/index.js";
import { type PublicKeyInfo, verifyDetached } from "../keys/index.js";
import { sanitizeRelayText } from "../protocol/index.js";
import type { OpenedFrame } from "../session/index.js";
import { verifyRemoteBundleSignature } from "./bundle-request.js";
import type { SignItem } from "./initiator.js";
import type { SecureLink } from "./link.js";
import { decodeClose, decodeError, decodeReject, encodeRequest } from "./messages.js";

/** The initiator's per-request steps: send a request and its data, read the answer, verify it. */

export async function sendRequest(
  link: SecureLink,
  reqId: number,
  item: SignItem,
  answerWithinSeconds: number,
): Promise<void> {
  const sha256 = sha256Of(item.data);
  await link.send(
    "request",
    encodeRequest({
      reqId,
      kind: item.evidence !== undefined ? "countersign" : item.format === "bundle" ? "bundle" : "file",
      name: item.name,
      size: item.data.byteLength,
      sha256,
      format: item.format,
      ...(item.evidence !== undefined ? { evidence: item.evidence } : {}),
      answerWithinSeconds,
    }),
  );
  const chunk = link.channel.maxPlaintextBytes;
  for (let off = 0; off < item.data.byteLength; off += chunk) {
    await link.send("data", item.data.subarray(off, Math.min(off + chunk, item.data.byteLength)));
  }
}

/** Waits for a frame of `type`; a typed reject or error from the peer becomes PEER_REJECTED. */
export async function expect(
  link: SecureLink,
  type: "ready" | "response",
  timeoutMs: number,
): Promise<OpenedFrame> {
  const f = await link.recv(timeoutMs);
  if (f.type === type) return f;
  if (f.type === "reject") {
    const r = decodeReject(f.plaintext);
    throw new SigrunError(
      "PEER_REJECTED",
      `signer rejected${r.reqId ? ` request #${r.reqId}` : " the session"}: ${sanitizeRelayText(r.code, { maxChars: 64 })}: ${sanitizeRelayText(r.reason, { maxChars: 200 })}`,
      { details: { peerCode: r.code, reqId: r.reqId } },
    );
  }
  if (f.type === "error") {
    const e = decodeError(f.plaintext);
    if (e.code === "CHANNEL_ERROR" || e.code === "HANDSHAKE_FAILED")
      throw new SigrunError(
        e.code,
        `signer detected a tampered channel: ${sanitizeRelayText(e.reason, { maxChars: 200 })}`,
      );
    throw new SigrunError(
      "PEER_REJECTED",
      `signer failed: ${sanitizeRelayText(e.code, { maxChars: 64 })}: ${sanitizeRelayText(e.reason, { maxChars: 200 })}`,
      {
        details: { peerCode: e.code },
      },
    );
  }
  if (f.type === "close") {
    throw new SigrunError(
      "PEER_REJECTED",
      `signer closed the session: ${sanitizeRelayText(decodeClose(f.plaintext), { maxChars: 200 })}`,
    );
  }
  throw new SigrunError("CHANNEL_ERROR", `unexpected ${f.type} frame, expected ${type}`);
}

/** Verifies a returned signature against the pinned key before anything is written. */
export async function verifyOutput(
  item: SignItem,
  signature: Uint8Array,
  key: PublicKeyInfo,
): Promise<Uint8Array> {
  if (item.format === "bundle") return verifyRemoteBundleSignature(item.data, signature, key);
  let ok = false;
  try {
    ok = (await verifyDetached(item.data, signature, key, { format: item.format })).ok;
  } catch (err) {
    throw new SigrunError("SIGNATURE_INVALID", `${item.name}: returned signature is malformed`, {
      cause: err,
    });
  }
  if (!ok)
    throw new SigrunError(
      "SIGNATURE_INVALID",
      `${item.name}: returned signature does not verify against the pinned key`,
    );
  return signature;
}
