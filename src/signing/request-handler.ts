import { createHash } from "node:crypto";
import { bytesEqual, concatBytes, SigrunError, toHex } from "../core/index.js";
import { signFile } from "../keys/index.js";
import { checkBundleForReview, signCheckedBundle } from "./bundle-request.js";
import { reviewContent, sgbReview } from "./content-review.js";
import type { SecureLink } from "./link.js";
import { encodeReject, encodeResponse, type SignRequest } from "./messages.js";
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

export async function handleRequest(
  o: Pick<SignerSessionOptions, "signer" | "approve" | "onProgress">,
  link: SecureLink,
  req: SignRequest,
  data: Uint8Array,
  overCap: boolean,
  context: string,
  provenance: ProvenanceClaims | undefined,
  record: (audit: Record<string, unknown>) => void,
  position?: { index: number; total: number },
): Promise<{ signed: boolean; audit: Record<string, unknown> }> {
  const digest = new Uint8Array(createHash("sha256").update(data).digest());
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
    record(audit);
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
  };
  let bundle: ReturnType<typeof checkBundleForReview> | undefined;
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
  const decision = await o.approve(review);
  if (!decision.approved)
    return reject(decision.by === "policy" ? "POLICY_DENIED" : "DECLINED", decision.reason, decision.by);
  const signature =
    bundle !== undefined
      ? await signCheckedBundle(o.signer, bundle)
      : await signFile(o.signer, data, req.format as "raw" | "ssh" | "openpgp");
  const audit = { ...facts, decision: "sign", by: decision.by, reason: decision.reason };
  record(audit);
  await link.send("response", encodeResponse(req.reqId, signature));
  o.onProgress?.(`request #${req.reqId} signed`);
  return { signed: true, audit };
}
