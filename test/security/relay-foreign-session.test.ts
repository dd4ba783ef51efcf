import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { type RunningRelay, startRelay } from "../../src/relay/index.js";
import { createV1, openV1, RawRelaySocket } from "../kit/relay.js";

// Attack: send into (or close) a session the attacker is not a member of.
let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0" });
});
after(() => relay.close());

test("v1: frames only ever reach the sender's own session; a guessed resume is UNAUTHORIZED", async () => {
  const victim = await createV1(relay.url);
  const vb = await openV1(relay.url);
  vb.sendJson({ type: "join", session: victim.session });
  await vb.nextJson();
  await victim.s.nextJson();
  const mal = await createV1(relay.url);
  mal.s.sendBinary(new Uint8Array([6, 6, 6])); // its own (unpaired) session: refused
  assert.equal((await mal.s.nextJson()).code, "PROTOCOL_ERROR");
  const guess = await openV1(relay.url);
  guess.sendJson({ type: "resume", session: victim.session, role: "a", resumeToken: "A".repeat(43) });
  assert.equal((await guess.nextJson()).code, "UNAUTHORIZED");
  await assert.rejects(vb.next(200), /no frame in time/);
  await assert.rejects(victim.s.next(100), /no frame in time/);
  for (const s of [victim.s, vb, mal.s, guess]) s.close();
});

test("rcodesign: send-message and goodbye to another session are NOT_SESSION_MEMBER", async () => {
  const id = randomUUID();
  const a = await RawRelaySocket.open(relay.rcodesignUrl);
  a.sendJson({ request_id: "1", api: "create-session", payload: { session_id: id, ttl: 60, context: null } });
  await a.nextJson();
  const b = await RawRelaySocket.open(relay.rcodesignUrl);
  b.sendJson({ request_id: "2", api: "join-session", payload: { session_id: id, context: null } });
  await b.nextJson();
  await a.nextJson();
  const mal = await RawRelaySocket.open(relay.rcodesignUrl);
  const own = randomUUID();
  mal.sendJson({
    request_id: "3",
    api: "create-session",
    payload: { session_id: own, ttl: 60, context: null },
  });
  await mal.nextJson();
  mal.sendJson({ request_id: "4", api: "send-message", payload: { session_id: id, message: "AAAA" } });
  assert.equal(((await mal.nextJson()).payload as { code: string }).code, "NOT_SESSION_MEMBER");
  mal.sendJson({ request_id: "5", api: "goodbye", payload: { session_id: id, reason: "hijack" } });
  assert.equal(((await mal.nextJson()).payload as { code: string }).code, "NOT_SESSION_MEMBER");
  await assert.rejects(a.next(200), /no frame in time/);
  await assert.rejects(b.next(100), /no frame in time/);
  for (const s of [a, b, mal]) s.close();
});
