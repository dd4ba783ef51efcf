import assert from "node:assert/strict";
import { test } from "node:test";
import { startRelay } from "../../src/relay/index.js";
import { openV1 } from "../kit/relay.js";

// Attack: one IP floods the relay with session creates (and sockets).
test("creates from one IP are rate-limited and capped; the relay keeps serving", async () => {
  const relay = await startRelay({
    listen: "127.0.0.1:0",
    limits: { sessionOpRatePerIp: { perSecond: 1, burst: 10 }, maxSessionsPerIp: 5, maxConnectionsPerIp: 8 },
  });
  try {
    const s = await openV1(relay.url);
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) {
      s.sendJson({ type: "create", id: String(i) });
    }
    // one connection holds at most one session: the rest are protocol errors, so use many sockets
    for (let i = 0; i < 30; i++) {
      const m = await s.nextJson().catch(() => undefined);
      if (!m) break;
      codes.push(m.type === "created" ? "created" : (m.code as string));
    }
    assert.equal(codes[0], "created");
    s.close();
    const sockets = [];
    const results: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        const c = await openV1(relay.url);
        sockets.push(c);
        c.sendJson({ type: "create" });
        const m = await c.nextJson();
        results.push(m.type === "created" ? "created" : (m.code as string));
      } catch {
        results.push("refused");
      }
    }
    assert.ok(results.filter((r) => r === "created").length <= 5, `at most 5 sessions per IP: ${results}`);
    assert.ok(results.includes("LIMIT_EXCEEDED") || results.includes("RATE_LIMITED"), String(results));
    assert.ok(results.includes("refused"), `connections per IP are capped: ${results}`);
    const m = await (await fetch(`${relay.httpUrl}/metrics`)).text();
    assert.match(m, /sigrun_relay_connections_rejected_total\{reason="ip_limit"\} [1-9]/);
    for (const c of sockets) c.close();
    // after the sockets are gone the IP may connect again (bounded state, no permanent ban)
    let again: Awaited<ReturnType<typeof openV1>> | undefined;
    for (let i = 0; i < 100 && !again; i++) {
      again = await openV1(relay.url).catch(() => undefined); // until the server has seen the closes
      if (!again) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(again, "the IP may connect again once its sockets are closed");
    again.close();
  } finally {
    await relay.close();
  }
});
