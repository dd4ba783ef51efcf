// Attack: a client opens an upload and then stalls (slowloris), holding a connection forever. Expected:
// the agent closes a request that sends nothing for its idle timeout. Not an attack, and it must keep
// working: an upload that keeps sending but takes longer in total than the idle timeout (a large sealed job
// over a slow link — once cut by a 60 s whole-request deadline), and a job that runs longer than the idle
// timeout before its answer (`?wait=1`).
import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent } from "../../src/agent/agent.js";
import { HttpTransport, readReceiptUnverified } from "../../src/agent/index.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";

const IDLE_MS = 400;

/** POSTs `body` in `slices`, pausing `gapMs` between them (and `stallMs` before the last one). */
function post(
  port: number,
  body: Buffer,
  o: { slices: number; gapMs: number; stallMs?: number },
): Promise<{ status: number; body: Buffer } | { reset: string }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/execute",
        method: "POST",
        headers: { "Content-Length": body.length },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
        res.on("error", (err) => resolve({ reset: String((err as NodeJS.ErrnoException).code ?? err) }));
      },
    );
    req.on("error", (err) => resolve({ reset: String((err as NodeJS.ErrnoException).code ?? err) }));
    (async () => {
      const size = Math.ceil(body.length / o.slices);
      for (let i = 0; i < o.slices; i++) {
        if (req.destroyed) return;
        if (i === o.slices - 1 && o.stallMs) await sleep(o.stallMs);
        else if (i > 0) await sleep(o.gapMs);
        if (req.destroyed) return;
        req.write(body.subarray(i * size, (i + 1) * size));
      }
      req.end();
    })().catch(() => undefined);
  });
}

test("agent-slow-upload: a stalled request is closed; a slow but steady upload and a long job are not", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: d.path,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
  });
  const http = new HttpTransport({ host: "127.0.0.1", port: 0, idleTimeoutMs: IDLE_MS });
  await http.start(agent);
  const port = http.port();
  try {
    // Steady: 8 slices 150 ms apart = ~1 s in total, well past the idle timeout, never idle for it.
    const steady = await post(port, Buffer.from(await stubBundle([owner])), { slices: 8, gapMs: 150 });
    assert.ok("status" in steady, `steady upload was cut: ${JSON.stringify(steady)}`);
    assert.equal(steady.status, 200);
    assert.equal(readReceiptUnverified(steady.body).predicate.status, "succeeded");

    // Stalled: the last slice comes after 4× the idle timeout; the agent has closed the connection by then.
    const stalled = await post(port, Buffer.from(await stubBundle([owner])), {
      slices: 4,
      gapMs: 10,
      stallMs: 4 * IDLE_MS,
    });
    assert.ok("reset" in stalled, `a stalled upload was answered: ${JSON.stringify(stalled)}`);

    // Long job: the request arrives at once, the run takes 3× the idle timeout, the answer still comes.
    const slow = await stubBundle([owner], { op: { op: "sleep", ms: 3 * IDLE_MS } });
    const long = await post(port, Buffer.from(slow), { slices: 1, gapMs: 0 });
    assert.ok("status" in long, `a long-running job's answer was cut: ${JSON.stringify(long)}`);
    assert.equal(long.status, 200);
    assert.equal(readReceiptUnverified(long.body).predicate.status, "succeeded");

    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  } finally {
    await http.stop();
    await agent.close();
    d.cleanup();
  }
});
