// Agent benchmark (issue 8): HTTP submit → receipt on loopback for a trivial bundle, p50/p99 sequential
// and bundles/s with 8 concurrent clients, with the verify and run share of the time. Same-run baseline:
// a GET /healthz round trip on the same server. Runs with the real runner and with a stub runner (the
// pipeline's own cost).   npm run build && node dist/bench/agent-http.js
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "../src/agent/agent.js";
import { HttpTransport } from "../src/agent/index.js";
import { readReceiptUnverified } from "../src/agent/receipt.js";
import { createBundle, signBundle, trustStoreOf, verifyBundle } from "../src/bundle/index.js";
import { fileSigner, generateKey } from "../src/keys/index.js";
import { STUB_RUNNER } from "../test/kit/agent-fixtures.js";

const SEQ = 200;
const CONC = 8;
const PER_CLIENT = 40;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function bundles(
  n: number,
  signer: ReturnType<typeof fileSigner>,
  script: string,
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const b = createBundle({
      files: new Map([
        ["script.rhai", new TextEncoder().encode(script)],
        ["policy.cedar", new TextEncoder().encode("permit (principal, action, resource);\n")],
      ]),
      entry: "script.rhai",
      policy: "policy.cedar",
      created: Date.now() - 1000,
      validForMs: 3_600_000,
    });
    out.push(await signBundle(b, signer));
  }
  return out;
}

async function post(url: string, body: Uint8Array): Promise<{ ms: number; runMs: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/execute`, { method: "POST", body });
  const receipt = new Uint8Array(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`status ${res.status}: ${res.headers.get("x-sigrun-error")}`);
  const t = readReceiptUnverified(receipt).predicate.times;
  return { ms, runMs: Date.parse(t.finished) - Date.parse(t.started ?? t.finished) };
}

async function scenario(name: string, runnerModule: string | undefined, script: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-bench-agent-"));
  const key = generateKey("ed25519");
  const signer = fileSigner(key.privateKey);
  const trust = trustStoreOf([signer.publicKey]);
  const agent = await Agent.start({
    stateDir: dir,
    hostId: "bench",
    trust,
    workers: 2,
    runnerModule,
    checkpointEvery: 1000,
  });
  const http = new HttpTransport({ host: "127.0.0.1", port: 0 });
  await http.start(agent);
  const url = `http://127.0.0.1:${http.port()}`;
  try {
    const all = await bundles(SEQ + 10 + CONC * PER_CLIENT, signer, script);
    // verify share: verifyBundle alone on the same bundles
    const tv = performance.now();
    for (let i = 0; i < 50; i++) verifyBundle(all[i]!, { trust, host: "bench" });
    const verifyMs = (performance.now() - tv) / 50;
    for (let i = 0; i < 10; i++) await post(url, all.pop()!); // warm up
    const base: number[] = [];
    for (let i = 0; i < SEQ; i++) {
      const t0 = performance.now();
      await (await fetch(`${url}/healthz`)).arrayBuffer();
      base.push(performance.now() - t0);
    }
    const lat: number[] = [];
    const runs: number[] = [];
    for (let i = 0; i < SEQ; i++) {
      const r = await post(url, all.pop()!);
      lat.push(r.ms);
      runs.push(r.runMs);
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONC }, async () => {
        for (let i = 0; i < PER_CLIENT; i++) await post(url, all.pop()!);
      }),
    );
    const rate = (CONC * PER_CLIENT) / ((performance.now() - t0) / 1000);
    const cpu = process.cpuUsage(cpu0);
    // CPU time of the whole process (agent, its workers and the 8 clients) per bundle: less sensitive to
    // other load on the machine than bundles/s; 2 cores give at most 2000 ms of CPU per second
    const cpuPerBundle = (cpu.user + cpu.system) / 1000 / (CONC * PER_CLIENT);
    const p50 = pct(lat, 50);
    const run50 = pct(runs, 50);
    process.stdout.write(
      `${name}\n` +
        `  submit→receipt p50 ${p50.toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms (target p50 ≤ 15 ms: ${p50 <= 15 ? "PASS" : "MISS"}); ` +
        `baseline GET /healthz p50 ${pct(base, 50).toFixed(2)} ms, ratio ${(p50 / pct(base, 50)).toFixed(1)}\n` +
        `  ${CONC} concurrent clients: ${rate.toFixed(0)} bundles/s (target ≥ 200: ${rate >= 200 ? "PASS" : "MISS"}); ` +
        `CPU ${cpuPerBundle.toFixed(2)} ms per bundle (process, all threads, clients included)\n` +
        `  share of p50: verify ${verifyMs.toFixed(2)} ms (${((100 * verifyMs) / p50).toFixed(0)}%), run in worker ${run50.toFixed(0)} ms (${((100 * run50) / p50).toFixed(0)}%), rest (http, fsync'ed audit + receipt, signing) ${(p50 - verifyMs - run50).toFixed(1)} ms\n`,
    );
  } finally {
    await http.stop();
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await scenario(
  "agent HTTP, stub runner (pipeline cost only)",
  STUB_RUNNER,
  JSON.stringify({ op: "echo", value: "ok" }),
);
await scenario("agent HTTP, real runner (Rhai + Cedar)", undefined, "let x = 40 + 2;\nx\n");
