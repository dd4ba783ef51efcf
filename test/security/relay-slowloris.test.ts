import assert from "node:assert/strict";
import { connect } from "node:net";
import { test } from "node:test";
import WebSocket from "ws";
import { startRelay } from "../../src/relay/index.js";
import { connectRelay } from "../../src/signing/relay-client.js";
import { openV1, RawRelaySocket } from "../kit/relay.js";

// Attack: idle sockets that never say hello, never join a session, or stop answering pings.
test("idle sockets are closed: no hello, no session, no pong", { timeout: 20_000 }, async () => {
  const relay = await startRelay({
    listen: "127.0.0.1:0",
    limits: { helloTimeoutMs: 150, unboundTimeoutMs: 300, pingIntervalMs: 200, httpHeadersTimeoutMs: 300 },
  });
  try {
    // HTTP level: a request whose headers never finish is cut
    const tcp = connect(relay.port, "127.0.0.1");
    tcp.on("error", () => {});
    await new Promise((r) => tcp.once("connect", r));
    tcp.write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n");
    await new Promise((r) => tcp.once("close", r)); // cut by httpHeadersTimeoutMs (a hang fails the test)
    const silent = await RawRelaySocket.open(relay.url);
    assert.equal(await silent.closed(1500), 1008);
    const idle = await openV1(relay.url);
    assert.equal(await idle.closed(1500), 1008);
    // a peer in a session that stops answering pings is terminated (1006 on our side)
    const deaf = new WebSocket(relay.url, { autoPong: false });
    deaf.on("error", () => {});
    await new Promise((r) => deaf.once("open", r));
    deaf.send(JSON.stringify({ type: "hello", version: 1 }));
    deaf.send(JSON.stringify({ type: "create" }));
    const code = await new Promise<number>((r) => deaf.once("close", r));
    assert.equal(code, 1006);
    // a live client that answers pings stays
    const live = await connectRelay(relay.url, { timeoutMs: 2000 });
    await live.create();
    await new Promise((r) => setTimeout(r, 700)); // the property: open across three ping intervals
    assert.equal(live.state, "open");
    await live.close();
  } finally {
    await relay.close();
  }
});
