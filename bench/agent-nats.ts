// Agent benchmark (issue 8): receipts/s for 1,000 bundles fanned out over NATS JetStream to 3 agent
// processes (group:web), with the stub runner so the number is the agent + queue cost. Same-run baseline:
// JetStream publish-with-ack of the same 1,000 bundles.   npm run build && node dist/bench/agent-nats.js
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { submissionId } from "../src/agent/client/queue-submit.js";
import { ensureNatsStreams, NATS_JOBS_STREAM, natsSubjects } from "../src/agent/transports/nats.js";
import { publicKeyPem } from "../src/keys/index.js";
import { ownerKey, stubBundle, tempDir } from "../test/kit/agent-fixtures.js";
import { natsUnavailable, startNats } from "../test/kit/nats.js";
import { spawnAgent } from "../test/kit/spawn-agent.js";

const N = 1000;
const AGENTS = 3;

if (natsUnavailable()) {
  process.stdout.write(`SKIP agent NATS benchmark: ${natsUnavailable()}\n`);
  process.exit(0);
}
const nats = await startNats();
const d = tempDir();
const owner = ownerKey();
mkdirSync(join(d.path, "trusted"));
writeFileSync(join(d.path, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
const agents = [];
try {
  for (let i = 0; i < AGENTS; i++) {
    agents.push(
      await spawnAgent([
        "--trust",
        join(d.path, "trusted"),
        "--state",
        join(d.path, `s${i}`),
        "--host-id",
        `web-${i}`,
        "--groups",
        "web",
        "--nats",
        nats.url,
        "--workers",
        "2",
      ]),
    );
  }
  const bundles: Uint8Array[] = [];
  for (let i = 0; i < N; i++) bundles.push(await stubBundle([owner], { targets: ["group:web"] }));
  const natsMod = await import("@nats-io/transport-node");
  const js = await import("@nats-io/jetstream");
  const nc = await natsMod.connect({ servers: nats.url });
  await ensureNatsStreams(await js.jetstreamManager(nc), js, { stream: NATS_JOBS_STREAM });
  const client = js.jetstream(nc);
  // baseline: publish the same payloads to a subject no agent consumes
  let t0 = performance.now();
  await Promise.all(
    bundles.map((b, i) => client.publish(`sigrun.jobs.host.nobody`, b, { msgID: `base-${i}` })),
  );
  const baseMs = performance.now() - t0;
  let got = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => {
    done = r;
  });
  nc.subscribe(natsSubjects().receipts, {
    callback: () => {
      if (++got === N * AGENTS) done();
    },
  });
  await nc.flush();
  t0 = performance.now();
  await Promise.all(
    bundles.map((b) => client.publish(natsSubjects().group("web"), b, { msgID: submissionId(b) })),
  );
  const timeout = setTimeout(done, 120_000);
  await all;
  clearTimeout(timeout);
  const ms = performance.now() - t0;
  process.stdout.write(
    `agent NATS fan-out: ${N} bundles × ${AGENTS} agents = ${got} receipts in ${(ms / 1000).toFixed(2)} s → ${((got / ms) * 1000).toFixed(0)} receipts/s\n` +
      `  baseline: JetStream publish-with-ack of the same ${N} bundles ${baseMs.toFixed(0)} ms (${((N / baseMs) * 1000).toFixed(0)} msgs/s); ratio ${(ms / baseMs).toFixed(1)}\n`,
  );
  await nc.close();
} finally {
  for (const a of agents) await a.stop();
  await nats.stop();
  d.cleanup();
}
