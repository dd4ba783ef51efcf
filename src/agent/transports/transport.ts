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
