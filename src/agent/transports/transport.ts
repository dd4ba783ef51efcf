import type { Agent } from "../agent.js";

/** A long-running intake: it hands submissions to the agent and replies with the receipt. */
export interface Transport {
  readonly name: string;
  start(agent: Agent): Promise<void>;
  /** Stops taking new work; waits for jobs it started. */
  stop(): Promise<void>;
  /** Where it listens, for logs (`http://127.0.0.1:8080`, `inbox /var/spool/sigrun`). */
  describe(): string;
}

/**
 * Most submissions a queue transport (NATS, Redis) holds at once: read but not yet answered. The rest
 * stay in the queue, so a flooded queue costs the agent at most this many bundles of memory.
 */
export const MAX_INFLIGHT = 8;

/** Waits until fewer than `max` of `jobs` are running. */
export async function belowInflight(jobs: ReadonlySet<Promise<unknown>>, max = MAX_INFLIGHT): Promise<void> {
  while (jobs.size >= max) await Promise.race(jobs);
}
