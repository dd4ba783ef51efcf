import { type ArchiveMember, CLASSIC_POLICY, CLASSIC_SCRIPT, identifyArchive } from "../bundle/index.js";
import { SigrunError } from "../core/index.js";
import { unrestrictedPermits } from "../policy/index.js";
import { type CheckedBundle, checkBundleForReview } from "./bundle-request.js";

/**
 * What the signer recognized in the bytes it is asked to sign, from their content and whatever format
 * the initiator requested (issue 14 item 7: a raw signature over a classic `tar.gz` bundle authorizes
 * its execution on an agent that trusts the key).
 */
export interface ContentReview {
  readonly kind: "sgb" | "classic-bundle" | "archive" | "text" | "binary";
  /** One line: what the data is. */
  readonly description: string;
  /** A signature over these bytes lets an agent that trusts the key run them. */
  readonly executes: boolean;
  readonly members?: readonly ArchiveMember[];
  /** Why an archive's members could not be listed. */
  readonly unreadable?: string;
  /** Bundles: manifest facts (key, value), shown before any file content. */
  readonly facts?: ReadonlyArray<readonly [string, string]>;
  readonly policy?: { readonly path: string; readonly text: string };
  readonly script?: { readonly path: string; readonly text: string };
  /** Policies permitting everything without condition; `undefined` when the policy does not parse. */
  readonly unrestrictedPermits?: readonly string[];
  /** Text files: the text (the review previews its first lines). */
  readonly text?: string;
}

const decoder = () => new TextDecoder("utf-8", { fatal: true });

function textOf(data: Uint8Array): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return decoder().decode(data);
  } catch {
    return undefined;
  }
}

function withPolicyCheck<T extends { policy?: { text: string } }>(
  r: T,
): T & { unrestrictedPermits?: string[] } {
  if (r.policy === undefined) return r;
  let found: string[] | undefined;
  try {
    found = unrestrictedPermits(r.policy.text);
  } catch {
    found = undefined;
  }
  return found === undefined ? r : { ...r, unrestrictedPermits: found };
}

/** The review of a checked `.sgb` (digests match the manifest). */
export function sgbReview(b: CheckedBundle): ContentReview {
  const m = b.parsed.manifest;
  return withPolicyCheck({
    kind: "sgb",
    description: `sigrun bundle (.sgb) ${m.id}, ${m.files.length} files`,
    executes: true,
    members: m.files,
    facts: [
      ["bundle id", m.id],
      ["created", m.created],
      ["expires", m.notAfter],
      ["targets", m.targets.length ? m.targets.join(", ") : "(any host)"],
      ["entry", m.entry],
      ["policy", m.policy],
      ...(m.limits ? [["limits", JSON.stringify(m.limits)] as const] : []),
    ],
    policy: b.policy,
    script: b.script,
  });
}

/** Recognizes `data` (any request kind); never throws for unrecognized or malformed data. */
export function reviewContent(data: Uint8Array): ContentReview {
  const info = identifyArchive(data);
  if (info.kind === "sgb") {
    try {
      return sgbReview(checkBundleForReview(data));
    } catch (err) {
      const why = err instanceof SigrunError ? `${err.code}: ${err.message}` : "unreadable";
      return {
        kind: "sgb",
        description: "sigrun bundle (.sgb) that fails the signer's checks",
        executes: true,
        members: info.parsed.manifest.files,
        unreadable: why,
      };
    }
  }
  if (info.kind === "classic-bundle") {
    const text = (path: string) => ({ path, text: textOf(info.files.get(path)!) ?? "(not UTF-8 text)" });
    return withPolicyCheck({
      kind: "classic-bundle",
      description: `classic sigrun bundle: tar.gz of ${CLASSIC_SCRIPT} + ${CLASSIC_POLICY} (${info.members.length} files)`,
      executes: true,
      members: info.members,
      facts: [
        ["form", "classic tar.gz (no expiry, no target: runs on any agent, forever)"],
        ["entry", CLASSIC_SCRIPT],
        ["policy", CLASSIC_POLICY],
      ],
      policy: text(CLASSIC_POLICY),
      script: text(CLASSIC_SCRIPT),
    });
  }
  if (info.kind === "archive")
    return {
      kind: "archive",
      description: `${info.format} archive${info.members.length ? ` with ${info.members.length} members` : ""}`,
      executes: false,
      members: info.members,
      ...(info.unreadable !== undefined ? { unreadable: info.unreadable } : {}),
    };
  const text = textOf(data);
  if (text !== undefined) return { kind: "text", description: "UTF-8 text", executes: false, text };
  return { kind: "binary", description: "binary data (not shown)", executes: false };
}
