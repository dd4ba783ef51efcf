import type { VerifiedBundle } from "../bundle/index.js";
import { SigrunError, utf8Decode } from "../core/index.js";
import { type EffectiveLimits, effectiveLimits, type LimitCeilings } from "./bundle-limits.js";
import { defaultUser } from "./os-user.js";

/**
 * How a verified bundle runs, decided in one place for `sigrun run job.sgb --trust …` and the agent
 * (docs/spec/runner.md §9–10): the script and policy named by the manifest, the Cedar principal
 * `User::"<signer key id>"` (the first trusted signer, in signature order), the OS user the process runs
 * as (recorded, never the principal), and the effective limits (the manifest's, lowered to the machine's
 * ceilings). Plain data: it is what crosses into the thread that runs the script (`runBundle`).
 */
export interface BundleInvocation {
  readonly script: string;
  readonly policy: string;
  /** The Cedar principal's name: the key id of the bundle's first trusted signer (`sha256:<hex>`). */
  readonly principal: string;
  readonly context: { readonly bundleId: string; readonly osUser: string };
  /** `effectiveLimits(manifest.limits, ceilings)`. */
  readonly limits: EffectiveLimits;
}

export interface BundleInvocationOptions {
  /** The machine's ceilings (the agent's config `limits`, `sigrun run`'s `--max-…` flags). */
  readonly ceilings?: LimitCeilings;
  /** Default: the OS user running sigrun. */
  readonly osUser?: string;
}

/** The principal a verified bundle runs under: its first trusted signer's key id. */
export function bundlePrincipal(bundle: Pick<VerifiedBundle, "signers">): string {
  const first = bundle.signers[0];
  if (first === undefined) throw new SigrunError("SIGNER_UNTRUSTED", "bundle: no trusted signer");
  return first.keyId;
}

/** The shared prepare step of a bundle run (the caller's thread); `runBundle` is the run itself. */
export function bundleInvocation(
  bundle: VerifiedBundle,
  opts: BundleInvocationOptions = {},
): BundleInvocation {
  const m = bundle.manifest;
  const file = (name: string): string => {
    const b = bundle.files.get(name);
    if (b === undefined) throw new SigrunError("BUNDLE_MALFORMED", `bundle: ${name} missing`);
    return utf8Decode(b, name);
  };
  return {
    script: file(m.entry),
    policy: file(m.policy),
    principal: bundlePrincipal(bundle),
    context: { bundleId: m.id, osUser: opts.osUser ?? defaultUser() },
    limits: effectiveLimits(m.limits, opts.ceilings),
  };
}
