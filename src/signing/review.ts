import { toHex } from "../core/index.js";
import type { ContentReview } from "./content-review.js";
import type { CountersignReview } from "./countersign-request.js";
import type { RemoteFormat } from "./messages.js";
import type { ProvenanceClaims } from "./provenance.js";
import { claimsSection, contentBlock, factLines, fitRows, header, oneLine } from "./review-text.js";

/** What the signer shows before joining: the (authenticated, once the handshake completes) join payload. */
export interface SessionReview {
  readonly mode: "public-key" | "shared-secret";
  readonly relay: string;
  readonly context: string;
  readonly expiresAt: Date;
  readonly maxSignatures: number;
  /** Whether the signing key is the one the initiator expects; false when not checked (keyChecked). */
  readonly keyMatches: boolean;
  /** False when no signing key was given (`remote-sign --inspect` without `--key`). */
  readonly keyChecked?: boolean;
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
  /** What the signer recognized in the bytes, whatever the requested format. */
  readonly content?: ContentReview;
  /** "k of N": this request's number and the session's announced count. */
  readonly position?: { readonly index: number; readonly total: number };
  /** When the initiator stops waiting for this answer (it said so in the request). */
  readonly answerBy?: Date;
}

export interface Decision {
  readonly approved: boolean;
  readonly reason: string;
  /** Who decided: "human", "policy", "answers-file". */
  readonly by: string;
}

/**
 * Decides one request. `signal` aborts when the initiator gives up meanwhile (the question is withdrawn;
 * the decision is then ignored) — a terminal prompt should stop asking.
 */
export type Approver = (review: RequestReview, opts?: { readonly signal: AbortSignal }) => Promise<Decision>;

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Strips terminal control, bidi and zero-width characters from peer-supplied text (keeps \n and \t). */
export function safeText(text: string): string {
  return text.replace(UNSAFE, "\uFFFD");
}

/** `columns`: the terminal's width when it is narrower than REVIEW_COLUMNS (rows never exceed it). */
export function describeSession(s: SessionReview, columns?: number): string {
  const key =
    s.keyChecked === false
      ? "signing key: NOT CHECKED (no --key given; cannot tell whether it is the key the initiator expects)"
      : s.keyMatches
        ? "signing key: matches the key the initiator expects"
        : "signing key: DOES NOT match the key the initiator expects";
  const lines = [
    header("sigrun remote signing session"),
    ...factLines([
      ["mode", s.mode],
      ["relay", s.relay],
      ["expires", s.expiresAt.toISOString()],
      ["max sigs", String(s.maxSignatures)],
    ]),
    `  ${key}`,
    ...claimsSection([["context", s.context]]),
  ];
  return fitRows(lines.join("\n"), columns);
}

const FORMAT_MEANING: Record<RemoteFormat, string> = {
  raw: "raw detached signature over the exact bytes",
  ssh: "SSHSIG (ssh-keygen -Y verify)",
  openpgp: "OpenPGP detached signature (gpg --verify)",
  bundle: "bundle signature (DSSE over the manifest)",
};

const TEXT_PREVIEW_LINES = 20;

/**
 * The review of one request, in a fixed order: signer-computed facts and warnings, bundle manifest
 * facts, members, the policy, then the script or text (numbered gutter), then the initiator's
 * unauthenticated claims. Every peer-supplied string goes through `review-text.ts`.
 */
export function describeRequest(r: RequestReview, columns?: number): string {
  const c = r.content;
  const pos = r.position ? ` (${r.position.index} of ${r.position.total})` : "";
  const lines = [
    header(`request #${r.reqId}${pos}: ${r.kind}`),
    ...factLines([
      ["sha256", r.sha256],
      ["size", `${r.size} bytes`],
      ["format", `${r.format}: ${FORMAT_MEANING[r.format]}`],
      ...(c ? [["content", c.description] as const] : []),
    ]),
  ];
  if (c?.executes)
    lines.push(
      "  !! WARNING: this signature authorizes execution: an agent that trusts this",
      "  !!          key will run this script under this policy. Sign only if you",
      "  !!          would run it yourself.",
    );
  if (c?.executes && r.format !== "bundle")
    lines.push(
      `  !! WARNING: the initiator asked for a ${r.format} signature over a bundle; a`,
      "  !!          bundle is normally signed as a bundle (--format bundle). Use",
      "  !!          separate keys for files and bundles.",
    );
  if (c?.unrestrictedPermits?.length)
    lines.push(
      "  !! WARNING: the policy permits everything (every principal, action and",
      "  !!          resource, no condition):",
      ...c.unrestrictedPermits.map((p) => `  !!          ${oneLine(p, 100)}`),
    );
  if (c?.unreadable !== undefined) lines.push(`  !! could not read the archive: ${oneLine(c.unreadable)}`);
  if (c?.facts) lines.push(header("manifest facts (checked by the signer)"), ...factLines(c.facts));
  if (c?.members?.length)
    lines.push(
      header(`members (${c.members.length})`),
      ...c.members.flatMap((m) => [`  ${oneLine(m.path, 120)}  ${m.size} bytes`, `      sha256:${m.sha256}`]),
    );
  const policy = c?.policy ?? r.policy;
  const script = c?.script ?? r.script;
  if (policy)
    lines.push(
      header(`policy ${policy.path} (${countLines(policy.text)} lines)`),
      ...contentBlock(policy.text),
    );
  if (script)
    lines.push(
      header(`script ${script.path} (${countLines(script.text)} lines)`),
      ...contentBlock(script.text),
    );
  if (c?.text !== undefined) {
    const n = countLines(c.text);
    lines.push(
      header(`text preview (${Math.min(n, TEXT_PREVIEW_LINES)} of ${n} lines)`),
      ...contentBlock(c.text, { maxLines: TEXT_PREVIEW_LINES }),
    );
  }
  lines.push(
    ...claimsSection([
      ["name", r.name],
      ["context", r.context],
    ]),
    r.provenance
      ? `  provenance (verified, ${oneLine(r.provenance.issuer)}): ${provenanceLine(r.provenance)}`
      : "  provenance: none (the initiator is not authenticated; judge by what you see)",
  );
  return fitRows(lines.join("\n"), columns);
}

function countLines(text: string): number {
  if (text === "") return 0;
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n").length;
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
  return oneLine(parts.join(" ") || `sub=${p.subject}`, 400);
}
