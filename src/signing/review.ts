import { toHex } from "../core/index.js";
import type { CountersignReview } from "./countersign-request.js";
import type { RemoteFormat } from "./messages.js";
import type { ProvenanceClaims } from "./provenance.js";

/** What the signer shows before joining: the (authenticated, once the handshake completes) join payload. */
export interface SessionReview {
  readonly mode: "public-key" | "shared-secret";
  readonly relay: string;
  readonly context: string;
  readonly expiresAt: Date;
  readonly maxSignatures: number;
  readonly keyMatches: boolean;
}

/** One request as the signer will sign it: every value here was recomputed by the signer itself. */
export interface RequestReview {
  readonly reqId: number;
  readonly kind: "file" | "bundle" | "countersign";
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly format: RemoteFormat;
  /** Countersign requests: the build evidence the signer verified itself. */
  readonly countersign?: CountersignReview;
  readonly context: string;
  /** Verified CI provenance of the initiator, when it sent a token and an issuer is trusted. */
  readonly provenance?: ProvenanceClaims;
  /** Bundles: the manifest (pretty JSON), the script and the policy, in full. */
  readonly manifest?: string;
  readonly script?: { readonly path: string; readonly text: string };
  readonly policy?: { readonly path: string; readonly text: string };
}

export interface Decision {
  readonly approved: boolean;
  readonly reason: string;
  /** Who decided: "human", "policy", "answers-file". */
  readonly by: string;
}

export type Approver = (review: RequestReview) => Promise<Decision>;

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Strips terminal control, bidi and zero-width characters from peer-supplied text (keeps \n and \t). */
export function safeText(text: string): string {
  return text.replace(UNSAFE, "\uFFFD");
}

export function describeSession(s: SessionReview): string {
  return [
    "── sigrun remote signing session ──",
    `mode:       ${s.mode}`,
    `relay:      ${safeText(s.relay)}`,
    `context:    ${safeText(s.context) || "(none)"}`,
    `expires:    ${s.expiresAt.toISOString()}`,
    `max sigs:   ${s.maxSignatures}`,
    s.keyMatches
      ? "signing key: matches the key the initiator expects"
      : "signing key: DOES NOT match the key the initiator expects",
  ].join("\n");
}

export function describeRequest(r: RequestReview): string {
  const lines = [
    `── request #${r.reqId}: ${r.kind} ──`,
    `name:    ${safeText(r.name)}`,
    `size:    ${r.size} bytes`,
    `sha256:  ${r.sha256}`,
    `format:  ${r.format}`,
    `context: ${safeText(r.context) || "(none)"}`,
    r.provenance
      ? `provenance (verified, ${safeText(r.provenance.issuer)}): ${provenanceLine(r.provenance)}`
      : "provenance: none (the initiator is not authenticated; judge by what you see)",
  ];
  if (r.manifest !== undefined) lines.push("── manifest ──", safeText(r.manifest));
  if (r.script) lines.push(`── script ${safeText(r.script.path)} ──`, safeText(r.script.text));
  if (r.policy) lines.push(`── policy ${safeText(r.policy.path)} ──`, safeText(r.policy.text));
  return lines.join("\n");
}

export const hex = toHex;

export function provenanceLine(p: ProvenanceClaims): string {
  const parts = [
    p.repository && `repository=${p.repository}`,
    p.ref && `ref=${p.ref}`,
    p.workflow && `workflow=${p.workflow}`,
    p.sha && `sha=${p.sha}`,
    p.runId && `run=${p.runId}`,
    p.actor && `actor=${p.actor}`,
  ].filter(Boolean);
  return safeText(parts.join(" ") || `sub=${p.subject}`);
}
