import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RunningRelay, startRelay } from "../../src/relay/index.js";
import { createV1, openV1, RawRelaySocket } from "../kit/relay.js";

// Attack: push data before being part of a paired session (before hello, before create/join, before the peer).
let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0" });
});
after(() => relay.close());

test("data before hello closes the socket with 1008", async () => {
  const s = await RawRelaySocket.open(relay.url);
  s.sendBinary(new Uint8Array([1, 2, 3]));
  const e = await s.nextJson();
  assert.equal(e.code, "PROTOCOL_ERROR");
  assert.equal(await s.closed(), 1008);
});

test("data outside a session or before the peer joined is refused and never delivered", async () => {
  const loner = await openV1(relay.url);
  loner.sendBinary(new Uint8Array([1]));
  assert.equal((await loner.nextJson()).code, "PROTOCOL_ERROR");
  const a = await createV1(relay.url);
  a.s.sendBinary(new Uint8Array([2]));
  assert.equal((await a.s.nextJson()).code, "PROTOCOL_ERROR");
  const b = await openV1(relay.url);
  b.sendJson({ type: "join", session: a.session });
  assert.equal((await b.nextJson()).type, "joined");
  assert.equal((await a.s.nextJson()).type, "peer_joined");
  await assert.rejects(b.next(200), /no frame in time/, "nothing sent before the join reaches b");
  for (const s of [loner, a.s, b]) s.close();
});
