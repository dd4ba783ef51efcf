// One large input streamed end to end (HTTP agent, real sha256sum on the host): 1 GiB under CI or SLOW=1,
// 64 MiB otherwise. Reports the peak RSS of the client (this process) and of the agent; both stay far
// below the input size because every stage streams.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type SealedWorld, SHA256SUM_SCRIPT, sealedWorld } from "../../test/kit/sealed-world.js";
import { execute } from "./execute.js";

const MIB = process.env.CI || process.env.SLOW ? 1024 : 64;
let w: SealedWorld;
before(async () => {
  w = await sealedWorld();
});
after(async () => {
  await w.stop();
});

function vmHwmMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

test(`one large input (${MIB} MiB) is streamed through execute`, async (t) => {
  const inputs = join(w.dir, "in-large");
  mkdirSync(inputs);
  const h = createHash("sha256");
  const fd = openSync(join(inputs, "big.bin"), "w");
  const block = randomBytes(8 * 1024 * 1024);
  for (let i = 0; i < MIB / 8; i++) {
    block[0] = i & 0xff;
    h.update(block);
    writeSync(fd, block);
  }
  closeSync(fd);
  const expected = h.digest("hex");
  const app = await w.app(SHA256SUM_SCRIPT, "sha-large.sgb");
  const t0 = Date.now();
  const r = await execute({
    configDir: w.configDir,
    host: "local",
    app,
    inputs,
    outputs: join(w.dir, "out-large"),
    timeoutMs: 600_000,
  });
  const ms = Date.now() - t0;
  assert.equal(r.status, "succeeded", Buffer.from(r.stderr).toString());
  assert.equal(readFileSync(join(w.dir, "out-large", "big.bin.sha256"), "utf8").split(" ")[0], expected);
  const clientMb = process.resourceUsage().maxRSS / 1024;
  const agentMb = vmHwmMb(w.agent.proc.pid!);
  t.diagnostic(
    `${MIB} MiB in ${ms} ms; peak RSS client ${clientMb.toFixed(0)} MB, agent ${agentMb.toFixed(0)} MB`,
  );
  process.stderr.write(
    `execute-large: ${MIB} MiB in ${ms} ms; peak RSS client ${clientMb.toFixed(0)} MB, agent ${agentMb.toFixed(0)} MB\n`,
  );
  if (MIB >= 1024) {
    assert.ok(clientMb < 512, `client peak RSS ${clientMb} MB: not streamed`);
    assert.ok(agentMb < 512, `agent peak RSS ${agentMb} MB: not streamed`);
  }
});
