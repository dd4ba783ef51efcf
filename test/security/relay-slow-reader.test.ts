import assert from "node:assert/strict";
import { test } from "node:test";
import { startRelay } from "../../src/relay/index.js";
import { connectRelay } from "../../src/signing/relay-client.js";
import { createV1, openV1 } from "../kit/relay.js";

// Attack: a peer that never reads, so the relay would queue its frames forever (memory exhaustion).
test("a peer that never reads is dropped once its socket buffer is full; away-buffers are bounded", async () => {
  const relay = await startRelay({
    listen: "127.0.0.1:0",
    limits: { maxSocketBufferBytes: 256 * 1024, maxBufferedFrames: 16, maxBufferedBytes: 256 * 1024 },
  });
  try {
    const a = await createV1(relay.url);
    const b = await openV1(relay.url);
    b.sendJson({ type: "join", session: a.session });
    await b.nextJson();
    await a.s.nextJson();
    // b stops reading from its TCP socket
    (b.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const frame = new Uint8Array(64 * 1024);
    let sawLeft = false;
    let sawEnd = false;
    for (let i = 0; i < 400 && !sawEnd; i++) {
      a.s.sendBinary(frame);
      if (i % 8 === 7) {
        await new Promise((r) => setTimeout(r, 5));
        for (;;) {
          const m = await a.s.nextJson(1).catch(() => undefined);
          if (!m) break;
          if (m.type === "peer_left") sawLeft = true;
          if (m.type === "closed" || m.code === "LIMIT_EXCEEDED") sawEnd = true;
        }
      }
      if (a.s.closeCode !== undefined) sawEnd = true;
    }
    assert.ok(sawLeft, "the slow peer was dropped (peer_left)");
    assert.ok(sawEnd, "once the bounded away-buffer filled, the session ended");
    const m = await (await fetch(`${relay.httpUrl}/metrics`)).text();
    assert.match(m, /reason="slow_peer"\} 1/);
    b.close();
    a.s.close();
    // client library: the same peer seen through RelayClient gets a typed error or a closed event
    const c = await connectRelay(relay.url, { timeoutMs: 2000 });
    await c.close();
  } finally {
    await relay.close();
  }
});
