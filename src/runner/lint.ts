import {
  bundleCaps,
  checkTarget,
  localHostId,
  parseBundle,
  type TrustStore,
  verifyBundle,
} from "../bundle/index.js";
import { isSigrunError, SigrunError, utf8Decode } from "../core/index.js";
import type { PolicyProblem } from "../policy/index.js";
import { actionReach } from "../policy/index.js";
import { bundleInvocation } from "./bundle-invocation.js";
import { type ScriptProblem, sourceFindings } from "./check-sources.js";
import { type BlockedCall, blockedCalls } from "./lint-calls.js";
import { defaultUser } from "./os-user.js";

/** How `sigrun bundle lint` looks at a bundle: as `sigrun run` on this machine, or as an agent. */
export interface LintOptions {
  /** Verify against these trusted keys and name the principal exactly as the run will. */
  readonly trust?: TrustStore;
  /** Check the targets as the agent does (`hostId`, `groups`) instead of as `sigrun run` here. */
  readonly asAgent?: boolean;
  /** The agent's host id (default: this machine's short hostname, the agent's default too). */
  readonly hostId?: string;
  readonly groups?: readonly string[];
  readonly now?: number;
}

/** `bundle lint --json` (version 1; docs/cli.md "bundle lint"). */
export interface LintReport {
  readonly version: 1;
  readonly ok: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly bundle: {
    readonly id: string;
    readonly entry: string;
    readonly policy: string;
    readonly targets: readonly string[];
    readonly notAfter: string;
    readonly expired: boolean;
    readonly signatures: readonly string[];
  };
  readonly principal: {
    /** `User::"<key id>"` when verified with `--trust`; null otherwise. */
    readonly principal: string | null;
    readonly verified: boolean;
    /** Verification failure (`CODE: message`) with `--trust`. */
    readonly error?: string;
    /** The context's `os_user`: this OS user for `sigrun run`; null for an agent (the user it runs as is not known here). */
    readonly osUser: string | null;
    readonly note: string;
  };
  readonly target: {
    readonly as: "run" | "agent";
    readonly host: string;
    readonly groups: readonly string[];
    readonly match: boolean;
    readonly message?: string;
  };
  readonly script: { readonly errors: readonly ScriptProblem[]; readonly calls: number };
  readonly policy: { readonly errors: readonly PolicyProblem[]; readonly warnings: readonly PolicyProblem[] };
  readonly hostFunctions: {
    /** False when the script does not parse or the policy has errors (nothing is claimed then). */
    readonly analyzed: boolean;
    readonly neverPermitted: readonly BlockedCall[];
  };
}

const failure = (err: unknown): string => {
  if (isSigrunError(err)) return `${err.code}: ${err.message}`;
  throw err;
};

/**
 * Lints a `.sgb` without running it: the script parses, the policy parses and validates, who the
 * principal will be (`bundleInvocation`, as run and the agent compute it), whether the targets admit
 * this machine (`checkTarget`, as run and the agent check them), and which host functions the script
 * calls that need an action the policy can never permit (docs/spec/runner.md §11).
 */
export function lintBundle(bytes: Uint8Array, opts: LintOptions = {}): LintReport {
  const now = opts.now ?? Date.now();
  const parsed = parseBundle(bytes, bundleCaps());
  const m = parsed.manifest;
  const file = (name: string): string => {
    const b = parsed.files.get(name);
    if (b === undefined) throw new SigrunError("BUNDLE_MALFORMED", `bundle: ${name} missing`);
    return utf8Decode(b, name);
  };
  const signatures = parsed.envelope.signatures.map((s) => s.keyid);
  const expired = now > Date.parse(m.notAfter);

  const osUser = opts.asAgent ? null : defaultUser();
  let principal: LintReport["principal"];
  if (opts.trust) {
    try {
      // target and time are reported on their own below: verify the signatures and digests only
      const v = verifyBundle(bytes, { trust: opts.trust, now: Date.parse(m.created) });
      const inv = bundleInvocation(v, osUser === null ? {} : { osUser });
      const note = "the first trusted signer's key id (docs/spec/runner.md §9)";
      principal = { principal: `User::${JSON.stringify(inv.principal)}`, verified: true, osUser, note };
    } catch (err) {
      principal = { principal: null, verified: false, error: failure(err), osUser, note: "does not verify" };
    }
  } else {
    principal = {
      principal: null,
      verified: false,
      osUser,
      note:
        signatures.length === 0
          ? "unsigned: nothing runs it"
          : 'unverified (no --trust): the principal will be User::"<key id>" of the first signature above by a key the verifier trusts',
    };
  }

  const host = opts.asAgent ? (opts.hostId ?? localHostId()) : localHostId();
  const groups = opts.asAgent ? [...(opts.groups ?? [])] : [];
  let target: LintReport["target"];
  try {
    checkTarget(m, { host, groups });
    target = { as: opts.asAgent ? "agent" : "run", host, groups, match: true };
  } catch (err) {
    target = { as: opts.asAgent ? "agent" : "run", host, groups, match: false, message: failure(err) };
  }

  const f = sourceFindings(file(m.entry), file(m.policy));
  // a `print` call is reported but does not stop the analysis (the tree is there)
  const analyzed = f.ast !== undefined && f.policy.errors.length === 0;
  // bundle mode: the principal is a signer's key id — the verified first trusted signer, or else one of
  // the signatures' (any key id when unsigned); a permit for `User::"root"` can never apply
  const canBe = (uid: { type: string; id: string }): boolean =>
    uid.type === "User" &&
    (principal.verified
      ? `User::${JSON.stringify(uid.id)}` === principal.principal
      : signatures.length > 0
        ? signatures.includes(uid.id)
        : /^sha256:[0-9a-f]{64}$/.test(uid.id));
  const reach = analyzed ? actionReach(file(m.policy), { principal: canBe }) : undefined;
  const blocked = reach ? blockedCalls(f.calls, reach) : [];

  const errors =
    (expired ? 1 : 0) +
    (principal.error ? 1 : 0) +
    (target.match ? 0 : 1) +
    f.script.length +
    f.policy.errors.length +
    blocked.filter((b) => b.severity === "error").length;
  const warnings = f.policy.warnings.length + blocked.filter((b) => b.severity === "warning").length;
  return {
    version: 1,
    ok: errors === 0,
    errors,
    warnings,
    bundle: {
      id: m.id,
      entry: m.entry,
      policy: m.policy,
      targets: m.targets,
      notAfter: m.notAfter,
      expired,
      signatures,
    },
    principal,
    target,
    script: { errors: f.script, calls: f.calls.length },
    policy: { errors: f.policy.errors, warnings: f.policy.warnings },
    hostFunctions: { analyzed: reach !== undefined, neverPermitted: blocked },
  };
}
