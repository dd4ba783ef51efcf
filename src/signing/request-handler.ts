import { bytesEqual, concatBytes, SigrunError, sha256, toHex } from "../core/index.js";
import { signFile } from "../keys/index.js";
import { sanitizeRelayText } from "../protocol/index.js";
import type { OpenedFrame } from "../session/index.js";
import { checkBundleForReview, signCheckedBundle } from "./bundle-request.js";
import { reviewContent, sgbReview } from "./content-review.js";
import { checkCountersignRequest, countersignAudit } from "./countersign-request.js";
import type { SecureLink } from "./link.js";
import { decodeClose, decodeError, encodeReject, encodeResponse, type SignRequest } from "./messages.js";
import type { ProvenanceClaims } from "./provenance.js";
import type { RequestReview } from "./review.js";
import type { SignerSessionOptions } from "./signer.js";

/** The signer's handling of one request: receive the bytes, check, review, sign or reject. */
export async function receiveData(
  link: SecureLink,
  req: SignRequest,
  timeoutMs: number,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < req.size) {
    const f = await link.recv(timeoutMs);
    if (f.type !== "data")
      throw new SigrunError("CHANNEL_ERROR", `request #${req.reqId}: expected data, got ${f.type}`);
    got += f.plaintext.byteLength;
    if (got > req.size)
      throw new SigrunError(
        "CHANNEL_ERROR",
        `request #${req.reqId}: more data than the announced ${req.size} bytes`,
      );
    parts.push(f.plaintext);
  }
  return concatBytes(...parts);
}

/** The next frame from the initiator, read while a human decides (or the error that ended the read). */
export type PeerWatch = Promise<{ readonly frame?: OpenedFrame; readonly error?: unknown }>;

/** How long the watch reads before it counts as the idle timeout (a human may take long to answer). */
const WATCH_MS = 24 * 3600 * 1000;

export interface RequestOutcome {
  readonly signed: boolean;
  readonly audit: Record<string, unknown>;
  /** The initiator gave up while the question was open: why (the session ends). */
  readonly withdrawn?: string;
  /** The read of the next frame, already started during the question (the caller continues with it). */
  readonly next?: PeerWatch;
}

/** Why a frame that arrived while the signer was asked withdraws the question. */
function withdrawalReason(w: { frame?: OpenedFrame; error?: unknown }): string {
  const clean = (t: string) => sanitizeRelayText(t, { maxChars: 200 });
  if (w.frame?.type === "error") {
    const e = decodeError(w.frame.plaintext);
    return `the initiator gave up: ${clean(e.code)}: ${clean(e.reason)}`;
  }
  if (w.frame?.type === "close")
    return `the initiator closed the session: ${clean(decodeClose(w.frame.plaintext))}`;
  if (w.frame) return `the initiator sent ${w.frame.type} before the answer (protocol violation)`;
  return `the initiator is gone: ${(w.error as Error)?.message ?? String(w.error)}`;
}

export async function handleRequest(
  o: Pick<SignerSessionOptions, "signer" | "approve" | "onProgress" | "countersign">,
  link: SecureLink,
  req: SignRequest,
  data: Uint8Array,
  overCap: boolean,
  context: string,
  provenance: ProvenanceClaims | undefined,
  record: (audit: Record<string, unknown>) => void | Promise<void>,
  position?: { index: number; total: number },
): Promise<RequestOutcome> {
  const digest = sha256(data);
  const facts = {
    reqId: req.reqId,
    kind: req.kind,
    name: req.name,
    size: data.byteLength,
    sha256: toHex(digest),
    format: req.format,
  };
  // Each decision is recorded (audit log) before the peer learns of it: if recording fails, nothing
  // is released and the caller reports the failure to the initiator.
  const reject = async (code: string, reason: string, by: string) => {
    const audit = { ...facts, decision: "reject", code, reason, by };
    await record(audit);
    await link.send("reject", encodeReject({ reqId: req.reqId, code, reason }));
    o.onProgress?.(`request #${req.reqId} rejected: ${code}: ${reason}`);
    return { signed: false, audit };
  };
  if (!bytesEqual(digest, req.sha256))
    return reject("DIGEST_MISMATCH", "data does not match the announced sha256", "signer");
  if (overCap) return reject("LIMIT_EXCEEDED", "signature cap reached for this session", "signer");
  let review: RequestReview = {
    ...facts,
    context,
    ...(provenance ? { provenance } : {}),
    ...(position ? { position } : {}),
    ...(req.answerWithinSeconds !== undefined
      ? { answerBy: new Date(Date.now() + req.answerWithinSeconds * 1000) }
      : {}),
  };
  let bundle: ReturnType<typeof checkBundleForReview> | undefined;
  if (req.kind === "countersign") {
    const c = await checkCountersignRequest(o.countersign, req, data);
    if (!c.ok) return reject(c.code, c.reason, "signer");
    record({ ...facts, evidence: "verified", ...countersignAudit(c.review) });
    review = { ...review, countersign: c.review };
  }
  if (req.kind === "bundle") {
    try {
      bundle = checkBundleForReview(data);
    } catch (err) {
      const code = err instanceof SigrunError ? err.code : "BUNDLE_MALFORMED";
      return reject(code, "bundle failed the signer's checks", "signer");
    }
    review = {
      ...review,
      manifest: bundle.manifestText,
      script: bundle.script,
      policy: bundle.policy,
      content: sgbReview(bundle),
    };
  } else review = { ...review, content: reviewContent(data) };
  // While the question is open, keep reading the channel: an `error`/`close` from the initiator (it gave
  // up: timeout, Ctrl-C, cancelled CI job) or a closed relay withdraws the question at once.
  const ac = new AbortController();
  let watch: PeerWatch | undefined = link.recv(WATCH_MS).then(
    (frame) => ({ frame }),
    (error: unknown) => ({ error }),
  );
  const asked = o.approve(review, { signal: ac.signal }).then((d) => ({ d }));
  let first = await Promise.race([asked, watch.then((w) => ({ w }))]);
  if ("w" in first && first.w.error instanceof SigrunError && first.w.error.code === "TIMEOUT") {
    watch = undefined; // no word from the initiator for a day: stop watching, keep waiting for the answer
    first = await asked;
  }
  if ("w" in first) {
    const why = withdrawalReason(first.w);
    ac.abort(new SigrunError("INTERRUPTED", why));
    await asked.catch(() => {});
    const audit = { ...facts, decision: "withdrawn", reason: why, by: "initiator" };
    record(audit);
    o.onProgress?.(`request #${req.reqId} withdrawn: ${why}`);
    return { signed: false, audit, withdrawn: why };
  }
  const decision = first.d;
  if (!decision.approved)
    return {
      ...(await reject(
        decision.by === "policy" ? "POLICY_DENIED" : "DECLINED",
        decision.reason,
        decision.by,
      )),
      ...(watch ? { next: watch } : {}),
    };
  const signature =
    bundle !== undefined
      ? await signCheckedBundle(o.signer, bundle)
      : await signFile(o.signer, data, req.format as "raw" | "ssh" | "openpgp");
  const audit = { ...facts, decision: "sign", by: decision.by, reason: decision.reason };
  await record(audit);
  await link.send("response", encodeResponse(req.reqId, signature));
  o.onProgress?.(`request #${req.reqId} signed`);
  return { signed: true, audit, ...(watch ? { next: watch } : {}) };
}
