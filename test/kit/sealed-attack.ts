// Runs `execute` through a man in the middle and reports how it ended; checks nothing reached --outputs.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openChannel } from "../../src/remote/channel.js";
import { type ExecuteResult, execute } from "../../src/remote/execute.js";
import { type Mitm, mitm, type Tamper } from "./sealed-mitm.js";
import { COPY_SCRIPT, type SealedWorld, sealedWorld, writeTree } from "./sealed-world.js";

export interface AttackWorld extends SealedWorld {
  readonly appPath: string;
  readonly inputs: string;
}

export async function attackWorld(
  files: Record<string, string | Uint8Array> = { "f1.txt": "Hello World", "f2.txt": "second input" },
): Promise<AttackWorld> {
  const w = await sealedWorld();
  const appPath = await w.app(COPY_SCRIPT, "copy.sgb");
  const inputs = writeTree(join(w.dir, "INPUTS"), files);
  return { ...w, appPath, inputs };
}

export interface AttackOutcome {
  readonly code: string | null;
  readonly result: ExecuteResult | null;
  readonly released: boolean;
  readonly outputs: string;
}

let n = 0;

/** One execute through `tamper`; asserts that a refused job left nothing in --outputs and no staging dir. */
export async function attack(
  w: AttackWorld,
  tamper: Tamper,
  opts: { requireTee?: boolean; store?: string } = {},
): Promise<AttackOutcome> {
  const outputs = join(w.dir, `OUTPUTS-${n++}`);
  let m: Mitm | undefined;
  let code: string | null = null;
  let result: ExecuteResult | null = null;
  try {
    result = await execute({
      configDir: w.configDir,
      host: "local",
      app: w.appPath,
      inputs: w.inputs,
      outputs,
      timeoutMs: 60_000,
      requireTee: opts.requireTee,
      store: opts.store,
      channel: (cfg, host) => {
        m = mitm(openChannel(cfg, host), tamper);
        return m.channel;
      },
    });
  } catch (err) {
    code = (err as { code?: string }).code ?? "UNCODED";
  }
  if (code !== null) assert.equal(existsSync(outputs), false, "a refused job left --outputs behind");
  assert.deepEqual(
    readdirSync(w.dir).filter((x) => x.includes(".sigrun-")),
    [],
    "staging directory left behind",
  );
  return { code, result, released: m?.released() ?? false, outputs };
}
