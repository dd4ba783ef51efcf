import type { Readable } from "node:stream";
import type { Agent, JobResult } from "../agent.js";
import { readCapped } from "../read-capped.js";

/** `sigrun agent --stdin < job.sgb`: reads one bundle (capped), runs it, returns the result (receipt). */
export async function runFromStream(agent: Agent, input: Readable, sig?: Uint8Array): Promise<JobResult> {
  const queuedAt = Date.now();
  const { bytes, tooLarge } = await readCapped(input, agent.maxBundleBytes);
  if (tooLarge) input.destroy();
  return agent.submit({ bytes, sig, tooLarge, transport: "stdin", queuedAt });
}
