import assert from "node:assert/strict";
import { test } from "node:test";
import { startRelay } from "../../src/relay/index.js";
import { createV1, openV1 } from "../kit/relay.js";

// Attack: use a session after its deadline (rcodesign's relay never compared ttl with the clock).
test("the join-wait TTL is enforced by a timer: the creator gets closed, a late joiner nothing", async () => {
  const relay = await startRelay({ listen: "127.0.0.1:0", limits: { joinTtlMs: 200 } });
  try {
    const a = await createV1(relay.url);
    const closed = await a.s.nextJson(2000);
    assert.equal(closed.type, "closed");
    assert.equal(closed.by, "relay");
    const late = await openV1(relay.url);
    late.sendJson({ type: "join", session: a.session });
    assert.equal((await late.nextJson()).code, "SESSION_NOT_FOUND");
    late.close();
  } finally {
    await relay.close();
  }
});

test("deadlines are also checked on every operation (clock past expiry, timer not fired yet)", async () => {
  let now = Date.now();
  const relay = await startRelay({ listen: "127.0.0.1:0", now: () => now, limits: { joinTtlMs: 60_000 } });
  try {
    const a = await createV1(relay.url);
    now += 61_000;
    const late = await openV1(relay.url);
    late.sendJson({ type: "join", session: a.session });
    assert.equal((await late.nextJson()).code, "SESSION_EXPIRED");
    assert.equal((await a.s.nextJson()).type, "closed");
    late.close();
  } finally {
    await relay.close();
  }
});

test("the session maximum ends a paired session for both peers", async () => {
  const relay = await startRelay({ listen: "127.0.0.1:0", limits: { sessionTtlMs: 300 } });
  try {
    const a = await createV1(relay.url);
    const b = await openV1(relay.url);
    b.sendJson({ type: "join", session: a.session });
    assert.equal((await b.nextJson()).type, "joined");
    assert.equal((await a.s.nextJson()).type, "peer_joined");
    assert.equal((await a.s.nextJson(2000)).type, "closed");
    assert.equal((await b.nextJson(2000)).type, "closed");
  } finally {
    await relay.close();
  }
});

test("a peer that does not come back within the grace window ends the session", async () => {
  const relay = await startRelay({ listen: "127.0.0.1:0", limits: { graceMs: 200 } });
  try {
    const a = await createV1(relay.url);
    const b = await openV1(relay.url);
    b.sendJson({ type: "join", session: a.session });
    await b.nextJson();
    await a.s.nextJson();
    b.close();
    assert.equal((await a.s.nextJson()).type, "peer_left");
    const closed = await a.s.nextJson(2000);
    assert.deepEqual(closed, { type: "closed", reason: "peer did not come back", by: "relay" });
  } finally {
    await relay.close();
  }
});
