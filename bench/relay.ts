// Relay benchmark (issue 6): forward latency vs a bare ws echo, one-node throughput, idle sessions (RSS),
// and two nodes over Redis. Everything on 127.0.0.1, bounded in count and time.
// Run: npx tsc -p . && node dist/bench/relay.js   (IDLE=10000 PAIRS=16 SECONDS=3 to change sizes)
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { connectRelay, type RelayClient } from "../src/signing/relay-client.js";
import { redisAvailable, startTestRedis } from "../test/kit/redis.js";

const RELAY_MOD = fileURLToPath(new URL("../src/relay/index.js", import.meta.url));
const IDLE = Number(process.env.IDLE ?? 10_000);
const PAIRS = Number(process.env.PAIRS ?? 16);
const SECONDS = Number(process.env.SECONDS ?? 3);
const FRAME = new Uint8Array(256);

/** Starts a relay node (or a bare ws echo server) in a child process; resolves with its URL. */
async function child(
  kind: "relay" | "echo",
  redis?: { url: string; prefix: string },
): Promise<{ url: string; p: ChildProcess }> {
  const big = { perSecond: 1e9, burst: 1e9 };
  const limits = {
    maxConnectionsPerIp: 1e9,
    maxSessionsPerIp: 1e9,
    connectRatePerIp: big,
    sessionOpRatePerIp: big,
    frameRatePerConnection: big,
    unboundTimeoutMs: 600_000,
  };
  const src =
    kind === "echo"
      ? `import { WebSocketServer } from "ws";
         const w = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
         w.on("connection", (s) => { s.on("error", () => {}); s.on("message", (d, b) => s.send(d, { binary: b })); });
         w.on("listening", () => console.log("ws://127.0.0.1:" + w.address().port));`
      : `import { startRelay } from ${JSON.stringify(RELAY_MOD)};
         const r = await startRelay({ listen: "127.0.0.1:0", limits: ${JSON.stringify(limits)}
           ${redis ? `, backend: { redis: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(redis.prefix)} }` : ""} });
         console.log(r.url);`;
  const p = spawn(process.execPath, ["--input-type=module", "-e", src], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: p.stdout as NodeJS.ReadableStream }).once("line", resolve);
    p.once("exit", (c) => reject(new Error(`${kind} exited ${c}`)));
  });
  return { url, p };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

async function pair(urlA: string, urlB = urlA): Promise<[RelayClient, RelayClient]> {
  const a = await connectRelay(urlA, { timeoutMs: 10_000, maxQueuedEvents: 1e6 });
  const { session } = await a.create();
  const b = await connectRelay(urlB, { timeoutMs: 10_000, maxQueuedEvents: 1e6 });
  await b.join(session);
  await a.waitForPeer({ timeoutMs: 10_000 });
  return [a, b];
}

/** One-way a → relay → b latency (same process clock), sequential frames. */
async function relayLatency(a: RelayClient, b: RelayClient, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    a.send(FRAME);
    await b.next({ timeoutMs: 5000 });
    out.push((performance.now() - t0) * 1000);
  }
  return out;
}

/** a → echo server → a latency (one server hop, like the relay path). */
async function echoLatency(url: string, n: number): Promise<number[]> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((r) => ws.once("open", r));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise<void>((r) => {
      ws.once("message", () => r());
      ws.send(FRAME);
    });
    out.push((performance.now() - t0) * 1000);
  }
  ws.terminate();
  return out;
}

/** Frames/s forwarded across `pairs` sessions for `seconds`, with a bounded window per pair. */
async function throughput(pairs: Array<[RelayClient, RelayClient]>, seconds: number): Promise<number> {
  let received = 0;
  const deadline = Date.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    pairs.map(async ([a, b]) => {
      const window = 128;
      let inflight = 0;
      const pump = () => {
        while (inflight < window && Date.now() < deadline) {
          a.send(FRAME);
          inflight++;
        }
      };
      pump();
      while (Date.now() < deadline || inflight > 0) {
        try {
          await b.next({ timeoutMs: 2000 });
        } catch {
          break;
        }
        inflight--;
        received++;
        if (inflight < window / 2) pump();
      }
    }),
  );
  return received / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const echo = await child("echo");
  const relay = await child("relay");
  const procs = [echo.p, relay.p];
  try {
    const [a, b] = await pair(relay.url);
    await relayLatency(a, b, 300);
    await echoLatency(echo.url, 300);
    const r = await relayLatency(a, b, 3000);
    const e = await echoLatency(echo.url, 3000);
    console.log(
      `latency 256 B one-way through relay: p50 ${pct(r, 50).toFixed(0)} µs p99 ${pct(r, 99).toFixed(0)} µs; ` +
        `bare ws echo: p50 ${pct(e, 50).toFixed(0)} µs p99 ${pct(e, 99).toFixed(0)} µs; ` +
        `ratio p50 ${(pct(r, 50) / pct(e, 50)).toFixed(2)}x (target ≤ 2x)`,
    );
    const pairs = [[a, b] as [RelayClient, RelayClient]];
    for (let i = 1; i < PAIRS; i++) pairs.push(await pair(relay.url));
    const fps = await throughput(pairs, SECONDS);
    console.log(`throughput one node, ${PAIRS} sessions, 256 B: ${fps.toFixed(0)} frames/s (target ≥ 20000)`);
    for (const [x, y] of pairs) {
      await x.close();
      await y.close();
    }

    // idle sessions: creators waiting for a joiner, one socket each
    const before = rssMiB(relay.p.pid as number);
    const idle: WebSocket[] = [];
    const t0 = performance.now();
    for (let i = 0; i < IDLE; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, IDLE - i) }, async () => {
          const ws = new WebSocket(relay.url, { perMessageDeflate: false });
          ws.on("error", () => {});
          await new Promise((r) => ws.once("open", r));
          ws.send(JSON.stringify({ type: "hello", version: 1 }));
          ws.send(JSON.stringify({ type: "create" }));
          await new Promise<void>((r) => {
            let n = 0;
            ws.on("message", () => {
              if (++n === 2) r();
            });
          });
          idle.push(ws);
        }),
      );
    }
    const after = rssMiB(relay.p.pid as number);
    console.log(
      `idle sessions: ${idle.length} created in ${((performance.now() - t0) / 1000).toFixed(1)} s; relay RSS ` +
        `${before.toFixed(0)} → ${after.toFixed(0)} MiB = ${(((after - before) * 1024) / idle.length).toFixed(1)} KiB per session`,
    );
    for (const ws of idle) ws.terminate();

    if (redisAvailable()) {
      const redis = await startTestRedis();
      const n1 = await child("relay", redis);
      const n2 = await child("relay", redis);
      procs.push(n1.p, n2.p);
      try {
        const [x, y] = await pair(n1.url, n2.url);
        await relayLatency(x, y, 200);
        const c = await relayLatency(x, y, 2000);
        console.log(
          `two nodes over redis: cross-node one-way p50 ${pct(c, 50).toFixed(0)} µs p99 ${pct(c, 99).toFixed(0)} µs`,
        );
        const cps = [[x, y] as [RelayClient, RelayClient]];
        for (let i = 1; i < PAIRS; i++) cps.push(await pair(n1.url, n2.url));
        const cfps = await throughput(cps, SECONDS);
        console.log(`two nodes over redis, ${PAIRS} sessions: ${cfps.toFixed(0)} frames/s`);
        for (const [p1, p2] of cps) {
          await p1.close();
          await p2.close();
        }
      } finally {
        await redis.stop();
      }
    } else console.log("two nodes over redis: skipped (no redis-server)");
  } finally {
    for (const p of procs) p.kill("SIGKILL");
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
