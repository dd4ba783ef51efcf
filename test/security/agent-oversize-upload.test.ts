// Attack: upload a body far above the size cap — declared (Content-Length), chunked without a length, and
// as a multipart file — to exhaust the agent's memory. Expected: 413 with a TOO_LARGE receipt, the body is
// not buffered past the cap, and the agent keeps serving.
import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { HttpTransport, readReceiptUnverified } from "../../src/agent/index.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";

function send(
  port: number,
  headers: Record<string, string | number>,
  chunks: () => Iterable<Buffer>,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/execute", method: "POST", headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on("error", (err) =>
      String((err as NodeJS.ErrnoException).code).match(/EPIPE|ECONNRESET/) ? undefined : reject(err),
    );
    (async () => {
      for (const c of chunks()) {
        if (req.destroyed) return;
        if (!req.write(c)) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    })().catch(() => undefined);
  });
}

test("agent-oversize-upload: declared, chunked and multipart uploads past the cap get 413 + TOO_LARGE", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const cap = 64 * 1024;
  const agent = await Agent.start({
    stateDir: d.path,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    maxBundleBytes: cap,
  });
  const http = new HttpTransport({ host: "127.0.0.1", port: 0 });
  await http.start(agent);
  const port = http.port();
  const big = Buffer.alloc(1024 * 1024, 0x41);
  try {
    const declared = await send(port, { "Content-Length": 64 * 1024 * 1024 }, function* () {
      yield big;
    });
    assert.equal(declared.status, 413);
    assert.equal(readReceiptUnverified(declared.body).predicate.error?.code, "TOO_LARGE");

    const chunked = await send(port, { "Transfer-Encoding": "chunked" }, function* () {
      for (let i = 0; i < 64; i++) yield big;
    });
    assert.equal(chunked.status, 413);
    assert.equal(readReceiptUnverified(chunked.body).predicate.error?.code, "TOO_LARGE");

    const boundary = "xxBOUNDARYxx";
    const multipart = await send(
      port,
      { "Content-Type": `multipart/form-data; boundary=${boundary}`, "Transfer-Encoding": "chunked" },
      function* () {
        yield Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="bundle"; filename="b"\r\n\r\n`,
        );
        for (let i = 0; i < 64; i++) yield big;
        yield Buffer.from(`\r\n--${boundary}--\r\n`);
      },
    );
    assert.equal(multipart.status, 413);
    assert.equal(readReceiptUnverified(multipart.body).predicate.error?.code, "TOO_LARGE");

    // still serving, and a normal bundle still runs
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    const ok = await fetch(`http://127.0.0.1:${port}/execute`, {
      method: "POST",
      body: await stubBundle([owner]),
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-sigrun-status"), "succeeded");
  } finally {
    await http.stop();
    await agent.close();
    d.cleanup();
  }
});
