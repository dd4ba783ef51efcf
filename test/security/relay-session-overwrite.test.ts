import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { type RunningRelay, startRelay } from "../../src/relay/index.js";
import { createV1, openV1, RawRelaySocket } from "../kit/relay.js";

// Attack: take over a waiting session by creating one with the same id (rcodesign's relay overwrote it).
let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0" });
});
after(() => relay.close());

test("v1: clients cannot choose the routing id; ids are server-generated, 128-bit, unique", async () => {
  const s = await openV1(relay.url);
  s.sendJson({ type: "create", session: "AAAAAAAAAAAAAAAAAAAAAA" });
  const e = await s.nextJson();
  assert.equal(e.type, "error");
  assert.equal(e.code, "PROTOCOL_ERROR");
  s.close();
  const ids = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const c = await createV1(relay.url);
    assert.match(c.session, /^[A-Za-z0-9_-]{22}$/);
    ids.add(c.session);
    c.s.close();
  }
  assert.equal(ids.size, 20);
});

test("rcodesign: create-session with an existing id is refused and the first session keeps working", async () => {
  const id = randomUUID();
  const victim = await RawRelaySocket.open(relay.rcodesignUrl);
  victim.sendJson({
    request_id: "1",
    api: "create-session",
    payload: { session_id: id, ttl: 600, context: null },
  });
  assert.equal((await victim.nextJson()).type, "session-created");
  const attacker = await RawRelaySocket.open(relay.rcodesignUrl);
  attacker.sendJson({
    request_id: "2",
    api: "create-session",
    payload: { session_id: id, ttl: 600, context: null },
  });
  const refused = await attacker.nextJson();
  assert.equal(refused.type, "error");
  assert.equal((refused.payload as { code: string }).code, "SESSION_EXISTS");
  const signer = await RawRelaySocket.open(relay.rcodesignUrl);
  signer.sendJson({ request_id: "3", api: "join-session", payload: { session_id: id, context: null } });
  assert.equal((await signer.nextJson()).type, "session-joined");
  assert.equal((await victim.nextJson()).type, "session-joined", "the original creator gets the signer");
  await assert.rejects(attacker.next(200), /no frame in time/);
  for (const s of [victim, attacker, signer]) s.close();
});
