import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Signer } from "../../src/keys/index.js";
import { publicKeyPem } from "../../src/keys/index.js";
import { ownerKey, tempDir } from "./agent-fixtures.js";
import { type SpawnedAgent, spawnAgent } from "./spawn-agent.js";

export interface FleetWorld {
  readonly dir: string;
  readonly owner: Signer;
  /** A group name unique to this run (the queue server may be shared). */
  readonly group: string;
  /** The host id of agent `h` (unique to this run). */
  hostId(h: string): string;
  /** `--host-keys` directory: each agent's host.pub as `<host id>.pub`. */
  readonly keys: string;
  readonly agents: SpawnedAgent[];
  stop(): Promise<void>;
}

/**
 * A trust dir with an owner key and one stub-runner agent per name in `hosts`, each a member of a fresh
 * group, on the queue named by `queueArgs` (e.g. `["--nats", url]`); their host keys collected for
 * `fleet ls --host-keys`.
 */
export async function fleetWorld(
  queueArgs: readonly string[],
  hosts: readonly string[],
): Promise<FleetWorld> {
  const d = tempDir();
  const owner = ownerKey();
  mkdirSync(join(d.path, "trusted"));
  writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const group = `g${Math.random().toString(16).slice(2, 10)}`;
  const hostId = (h: string) => `${group}-${h}`;
  const keys = join(d.path, "host-keys");
  mkdirSync(keys);
  const agents: SpawnedAgent[] = [];
  const stop = async () => {
    for (const x of agents) await x.stop();
    d.cleanup();
  };
  try {
    for (const h of hosts) {
      const args = ["--trust", join(d.path, "trusted"), "--state", join(d.path, h), "--host-id", hostId(h)];
      agents.push(await spawnAgent([...args, "--groups", group, ...queueArgs]));
      copyFileSync(join(d.path, h, "host.pub"), join(keys, `${hostId(h)}.pub`));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir: d.path, owner, group, hostId, keys, agents, stop };
}
