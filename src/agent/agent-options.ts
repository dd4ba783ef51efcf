import type { TrustStore, VerifiedBundle } from "../bundle/index.js";
import type { Clock } from "../core/index.js";
import type { LimitCeilings } from "../runner/index.js";
import type { JobEvent } from "./event-log.js";
import type { RunFunction, Submission } from "./types.js";

/** Largest submission an agent accepts unless configured otherwise. */
export const DEFAULT_MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** What an agent is started with (`Agent.start`; the config file maps onto it, see config.ts). */
export interface AgentOptions {
  readonly stateDir: string;
  readonly hostId: string;
  readonly groups?: readonly string[];
  /** Trusted signer keys (bundle trust store). */
  readonly trust: TrustStore;
  /** Signatures required (default: the trust store's threshold). */
  readonly threshold?: number;
  /** Largest submission accepted (default 16 MiB); larger → TOO_LARGE. */
  readonly maxBundleBytes?: number;
  /** How long past notAfter a bundle id is kept for replay checks (default 1 day). */
  readonly replayMarginMs?: number;
  /** Concurrent runs (default 2). */
  readonly workers?: number;
  /** The agent's ceilings; a bundle may ask for less, never more (effectiveLimits, docs/spec/runner.md §10). */
  readonly limits?: LimitCeilings;
  readonly checkpointEvery?: number;
  readonly clock?: Clock;
  /** Module exporting `runBundle` (default the sigrun runner); tests pass a stub. */
  readonly runnerModule?: string;
  /** Replaces the worker pool entirely (tests). */
  readonly run?: RunFunction;
  /** Replaces verification (tests); default verifyBundle / verifyOpensslBundle with the trust store. */
  readonly verify?: (sub: Submission, now: number) => VerifiedBundle;
  /** Job events (received, rejected, started, finished) for the agent's log (event-log.ts). */
  readonly onEvent?: (e: JobEvent) => void;
}
