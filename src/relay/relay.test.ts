import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTcpProxy } from "../../test/kit/relay.js";
import { connectRelay, type RelayClient } from "../signing/relay-client.js";
import { type RunningRelay, startRelay } from "./index.js";

let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0", motd: "hi\u001b[31m there" });
});
after(async () => {
  await relay.close();
});

async function pair(): Promise<{ a: RelayClient; b: RelayClient; session: string }> {
  const a = await connectRelay(relay.url, { timeoutMs: 2000 });
  const created = await a.create({ context: new Uint8Array([1, 2, 3]) });
  const b = await connectRelay(relay.url, { timeoutMs: 2000 });
  const joined = await b.join(created.session, new Uint8Array([9]));
  assert.deepEqual(joined.peerContext, new Uint8Array([1, 2, 3]));
  assert.deepEqual(await a.waitForPeer({ timeoutMs: 2000 }), new Uint8Array([9]));
  return { a, b, session: created.session };
}

test("welcome carries limits and a sanitized motd", async () => {
  const c = await connectRelay(relay.url, { timeoutMs: 2000 });
  assert.equal(c.welcome.version, 1);
  assert.equal(c.welcome.limits.maxFrameBytes, 65536);
  assert.equal(c.welcome.motd, "hi[31m there");
  await c.close();
});

test("two peers exchange binary frames in order, then close", async () => {
  const { a, b } = await pair();
  for (let i = 0; i < 50; i++) a.send(new Uint8Array([i, 255]));
  for (let i = 0; i < 50; i++) {
    const ev = await b.next({ timeoutMs: 2000 });
    assert.equal(ev.type, "data");
    assert.deepEqual((ev as { data: Uint8Array }).data, new Uint8Array([i, 255]));
  }
  b.send(new Uint8Array(65536));
  const back = await a.next({ timeoutMs: 2000 });
  assert.equal(back.type === "data" && back.data.byteLength, 65536, JSON.stringify(back));
  await a.close("done");
  const ev = await b.next({ timeoutMs: 2000 });
  assert.deepEqual(ev, { type: "closed", reason: "done", by: "peer" });
  assert.equal(b.state, "closed");
});

test("a dropped peer resumes within the grace window and gets buffered frames in order", async () => {
  const proxy = await startTcpProxy(relay.port);
  try {
    const a = await connectRelay(relay.url, { timeoutMs: 2000 });
    const created = await a.create();
    const b = await connectRelay(proxy.url, { timeoutMs: 2000 });
    await b.join(created.session);
    await a.waitForPeer({ timeoutMs: 2000 });
    proxy.block(true);
    proxy.cut();
    const left = await a.next({ timeoutMs: 2000 });
    assert.equal(left.type, "peer_left");
    assert.equal(b.state, "reconnecting");
    for (let i = 0; i < 5; i++) a.send(new Uint8Array([i]));
    b.send(new Uint8Array([42])); // queued in the client while reconnecting
    proxy.block(false);
    assert.equal((await b.next({ timeoutMs: 3000 })).type, "resumed");
    for (let i = 0; i < 5; i++) {
      const ev = await b.next({ timeoutMs: 2000 });
      assert.deepEqual(ev, { type: "data", data: new Uint8Array([i]) });
    }
    assert.equal((await a.next({ timeoutMs: 2000 })).type, "peer_back");
    assert.deepEqual(await a.next({ timeoutMs: 2000 }), { type: "data", data: new Uint8Array([42]) });
    await a.close();
    assert.equal((await b.next({ timeoutMs: 2000 })).type, "closed");
  } finally {
    await proxy.close();
  }
});

test("timeouts: next() and waitForPeer() never hang", async () => {
  const a = await connectRelay(relay.url, { timeoutMs: 2000 });
  await a.create();
  await assert.rejects(a.waitForPeer({ timeoutMs: 50 }), { code: "TIMEOUT" });
  await assert.rejects(a.next({ timeoutMs: 50 }), { code: "TIMEOUT" });
  await a.close();
  assert.equal((await a.next({ timeoutMs: 50 })).type, "closed");
  await assert.rejects(a.next({ timeoutMs: 50 }), { code: "RELAY_UNAVAILABLE" });
});

test("connect errors are typed", async () => {
  await assert.rejects(connectRelay("ws://127.0.0.1:1", { timeoutMs: 1000 }), { code: "RELAY_UNAVAILABLE" });
  const c = await connectRelay(relay.url, { timeoutMs: 2000 });
  await assert.rejects(c.join("AAAAAAAAAAAAAAAAAAAAAA"), { code: "SESSION_NOT_FOUND" });
  assert.throws(() => c.send(new Uint8Array(65537)), { code: "FRAME_TOO_LARGE" });
  await c.close();
});

test("/healthz and /metrics", async () => {
  const c = await connectRelay(relay.url, { timeoutMs: 2000 });
  const { session } = await c.create();
  const h = await fetch(`${relay.httpUrl}/healthz`);
  assert.equal(h.status, 200);
  const m = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  assert.match(m, /^sigrun_relay_sessions_created_total \d+$/m);
  assert.match(m, /^sigrun_relay_frame_bytes_bucket\{le="256"\} \d+$/m);
  assert.ok(!m.includes(session), "no session ids in metrics");
  assert.ok(!m.includes("127.0.0.1"), "no IPs in metrics");
  await c.close();
});

test("wss:// with a private CA, and an evicted client does not fight for its role", async (t) => {
  const { spawnSync } = await import("node:child_process");
  const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  if (spawnSync("openssl", ["version"]).status !== 0) return t.skip("openssl not installed");
  const dir = mkdtempSync(join(tmpdir(), "sigrun-relay-tls-"));
  try {
    const r = spawnSync("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
      ...["-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"],
      ...["-addext", "subjectAltName=IP:127.0.0.1"],
    ]);
    assert.equal(r.status, 0, String(r.stderr));
    const cert = readFileSync(join(dir, "c.pem"), "utf8");
    const tls = await startRelay({
      listen: "127.0.0.1:0",
      tls: { cert, key: readFileSync(join(dir, "k.pem")) },
    });
    try {
      assert.match(tls.url, /^wss:\/\//);
      await assert.rejects(connectRelay(tls.url, { timeoutMs: 2000 }), { code: "RELAY_UNAVAILABLE" });
      const a = await connectRelay(tls.url, { timeoutMs: 2000, ca: cert });
      const created = await a.create();
      const b = await connectRelay(tls.url, { timeoutMs: 2000, ca: cert });
      const joined = await b.join(created.session);
      await a.waitForPeer({ timeoutMs: 2000 });
      // a second client resumes b's role with b's token: b is told and closes instead of resuming back
      const { default: WebSocket } = await import("ws");
      const ws = new WebSocket(tls.url, { ca: cert });
      ws.on("error", () => {});
      await new Promise((res) => ws.once("open", res));
      ws.send(JSON.stringify({ type: "hello", version: 1 }));
      ws.send(
        JSON.stringify({
          type: "resume",
          session: created.session,
          role: "b",
          resumeToken: joined.resumeToken,
        }),
      );
      const ev = await b.next({ timeoutMs: 2000 });
      assert.equal(ev.type === "error" && ev.error.code, "RELAY_REJECTED");
      const closed = await b.next({ timeoutMs: 2000 });
      assert.equal(closed.type, "closed");
      ws.terminate();
      await a.close();
    } finally {
      await tls.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
