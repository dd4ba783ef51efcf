import type { CountersignReview } from "./countersign-request.js";
import { oneLine } from "./review-text.js";

/**
 * The countersign part of a request's review: build, approver and the verified attestation. Every value
 * is authenticated (approval, build key); still, none may start a line of its own (newlines escaped).
 */
export function describeCountersign(c: CountersignReview): string {
  const safeText = (t: string) => oneLine(t, 400);
  const lines = [
    "── build evidence (verified by this signer) ──",
    `build:       ${safeText(c.build.id)} (${c.build.variant === "key" ? "build key" : "MAC nonce"} ${c.build.keyId})`,
    `approver:    ${c.approver.keyId} (matches --approver-pub)`,
    `approved to: ${c.build.notAfter}`,
    `attestation: ${safeText(c.attestation.subject)} sha256 ${c.attestation.sha256}`,
    `             built by ${safeText(c.attestation.builderId)} at ${c.attestation.time}, ${c.attestation.verified === "mac" ? "MAC" : "build key signature"} verified`,
    "note:        this proves the approved build host produced these bytes, not that they are free of backdoors",
  ];
  return lines.join("\n");
}
