import type { VerifiedBundle } from "../bundle/index.js";
import { SigrunError, utf8Decode } from "../core/index.js";
import { defaultUser } from "./os-user.js";

/**
 * How a verified bundle runs, decided in one place for `sigrun run job.sgb --trust …` and the agent
 * (docs/spec/runner.md §9, "Bundle mode"): the script and policy named by the manifest, the Cedar principal
 * `User::"<signer key id>"` (the first trusted signer, in signature order), the OS user the process runs
 * as (recorded, never the principal), and the bundle's own limits.
 */
export interface BundleInvocation {
  readonly script: string;
  readonly policy: string;
  /** The Cedar principal's name: the key id of the bundle's first trusted signer (`sha256:<hex>`). */
  readonly principal: string;
  readonly context: { readonly bundleId: string; readonly osUser: string };
  /** The manifest's limits (`maxOperations`, `wallClockMs`, `maxOutputBytes`) as written. */
  readonly limits: { maxOperations?: number; wallClockMs?: number; maxOutputBytes?: number };
}

/** The principal a verified bundle runs under: its first trusted signer's key id. */
export function bundlePrincipal(bundle: Pick<VerifiedBundle, "signers">): string {
  const first = bundle.signers[0];
  if (first === undefined) throw new SigrunError("SIGNER_UNTRUSTED", "bundle: no trusted signer");
  return first.keyId;
}

export function bundleInvocation(bundle: VerifiedBundle, osUser: string = defaultUser()): BundleInvocation {
  const m = bundle.manifest;
  const file = (name: string): string => {
    const b = bundle.files.get(name);
    if (b === undefined) throw new SigrunError("BUNDLE_MALFORMED", `bundle: ${name} missing`);
    return utf8Decode(b, name);
  };
  const limits: { maxOperations?: number; wallClockMs?: number; maxOutputBytes?: number } = {};
  if (m.limits?.maxOperations !== undefined) limits.maxOperations = m.limits.maxOperations;
  if (m.limits?.wallClockMs !== undefined) limits.wallClockMs = m.limits.wallClockMs;
  if (m.limits?.maxOutputBytes !== undefined) limits.maxOutputBytes = m.limits.maxOutputBytes;
  return {
    script: file(m.entry),
    policy: file(m.policy),
    principal: bundlePrincipal(bundle),
    context: { bundleId: m.id, osUser },
    limits,
  };
}
