// Test helpers (not exported from the module index): a temp directory and a recording authorizer.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostContext } from "../../src/host/context.js";
import { closeAll } from "../../src/host/fs/fd.js";
import type { Authorizer, AuthzRequest, DecisionRecord } from "../../src/policy/index.js";
import { createPolicyEngine, recordingAuthorizer } from "../../src/policy/index.js";

export interface Fixture {
  dir: string;
  ctx: HostContext;
  trail: DecisionRecord[];
  requests: AuthzRequest[];
  /** `allow|deny verb Type::"id"` lines of the trail since the last `reset()`. */
  seq(): string[];
  reset(): void;
  cleanup(): void;
}

/** A real temp dir (realpath'd) and a context whose policy text may use `$DIR` for the temp dir. */
export function fixture(policy: (dir: string) => string, user = "tester"): Fixture {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-host-")));
  const engine = createPolicyEngine({ policy: policy(dir) });
  const trail: DecisionRecord[] = [];
  const requests: AuthzRequest[] = [];
  const inner: Authorizer = (r) => {
    requests.push(r);
    return engine.authorize(r);
  };
  const fds = new Set<number>();
  const ctx: HostContext = { user, authorize: recordingAuthorizer(inner, trail), fds };
  return {
    dir,
    ctx,
    trail,
    requests,
    seq: () =>
      trail.map(
        (t) =>
          `${t.decision} ${t.action.replace(/^.*::Action::"(.*)"$/, "$1")} ${t.resource.replace(/^file_system::/, "")}`,
      ),
    reset: () => {
      trail.length = 0;
      requests.length = 0;
    },
    cleanup: () => {
      closeAll(fds);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs fn and returns the thrown error's kind (or "ok"). */
export function kindOf(fn: () => unknown): string {
  try {
    fn();
    return "ok";
  } catch (err) {
    return (err as { kind?: string }).kind ?? `throw:${(err as Error).message}`;
  }
}
