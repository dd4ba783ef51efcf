import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { RawRelaySocket } from "../../test/kit/relay.js";
import { type RunningRelay, startRelay } from "./index.js";

let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0", motd: "self-hosted" });
});
after(async () => {
  await relay.close();
});

/** One rcodesign peer: sends `{request_id, api, payload}` like rcodesign's PairedClient. */
async function peer(): Promise<{
  s: RawRelaySocket;
  call(api: string, payload: unknown): string;
  next(): Promise<Record<string, unknown>>;
}> {
  const s = await RawRelaySocket.open(relay.rcodesignUrl);
  return {
    s,
    call(api, payload) {
      const request_id = randomUUID();
      s.sendJson({ request_id, api, payload });
      return request_id;
    },
    next: () => s.nextJson(),
  };
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Waits for the relay ack and the peer's message, in either order (rcodesign's wait_for_server_and_peer_response). */
async function ackAndPeer(p: Awaited<ReturnType<typeof peer>>): Promise<string> {
  const types: string[] = [];
  let message = "";
  for (let i = 0; i < 2; i++) {
    const m = await p.next();
    types.push(m.type as string);
    if (m.type === "peer-message")
      message = Buffer.from((m.payload as { message: string }).message, "base64").toString();
    assert.equal(typeof m.ttl, "number");
  }
  assert.deepEqual(types.sort(), ["message-sent", "peer-message"]);
  return message;
}

test("rcodesign: both peers follow the documented sequence end to end", async () => {
  const initiator = await peer();
  const signer = await peer();
  for (const p of [initiator, signer]) {
    const rid = p.call("hello", null);
    const g = await p.next();
    assert.equal(g.request_id, rid);
    assert.equal(g.type, "greeting");
    const payload = g.payload as { apis: string[]; motd: string };
    for (const api of ["create-session", "join-session", "send-message", "goodbye"])
      assert.ok(payload.apis.includes(api));
    assert.equal(payload.motd, "self-hosted");
  }
  const sessionId = randomUUID();
  const cr = initiator.call("create-session", { session_id: sessionId, ttl: 600, context: null });
  const created = await initiator.next();
  assert.equal(created.request_id, cr);
  assert.equal(created.type, "session-created");
  assert.ok((created.ttl as number) > 590 && (created.ttl as number) <= 600, "ttl is seconds left");

  signer.call("join-session", { session_id: sessionId, context: b64("signer handshake") });
  const joined = await signer.next();
  assert.equal(joined.type, "session-joined");
  assert.deepEqual(joined.payload, { context: null });
  const pushed = await initiator.next();
  assert.equal(pushed.type, "session-joined");
  assert.deepEqual(pushed.payload, { context: b64("signer handshake") });

  // encrypted ping/pong both ways, then certificate and one signature (opaque to the relay)
  for (const word of ["ping", "pong"]) {
    initiator.call("send-message", { session_id: sessionId, message: b64(`i-${word}`) });
    signer.call("send-message", { session_id: sessionId, message: b64(`s-${word}`) });
    assert.equal(await ackAndPeer(initiator), `s-${word}`);
    assert.equal(await ackAndPeer(signer), `i-${word}`);
  }
  initiator.call("send-message", { session_id: sessionId, message: b64("request-signing-certificate") });
  assert.equal((await signer.next()).type, "peer-message");
  signer.call("send-message", { session_id: sessionId, message: b64("signing-certificate") });
  assert.equal((await signer.next()).type, "message-sent");
  assert.equal(await ackAndPeer(initiator), "signing-certificate");

  const gb = initiator.call("goodbye", { session_id: sessionId, reason: "signing operations completed" });
  const bye = await initiator.next();
  assert.equal(bye.request_id, gb);
  assert.equal(bye.type, "session-closed");
  const closed = await signer.next();
  assert.equal(closed.type, "session-closed");
  assert.deepEqual(closed.payload, { reason: "signing operations completed" });
  initiator.s.close();
  signer.s.close();
});

test("rcodesign: a dropped initiator closes the session for the signer", async () => {
  const initiator = await peer();
  const signer = await peer();
  const id = randomUUID();
  initiator.call("create-session", { session_id: id, ttl: 600, context: null });
  await initiator.next();
  signer.call("join-session", { session_id: id, context: null });
  await signer.next();
  await initiator.next();
  initiator.s.close();
  const m = await signer.next();
  assert.equal(m.type, "session-closed");
  assert.deepEqual(m.payload, { reason: "peer disconnected" });
  signer.s.close();
});

test("rcodesign: errors carry the reference codes", async () => {
  const p = await peer();
  p.call("frobnicate", null);
  const unknown = await p.next();
  assert.equal(unknown.type, "error");
  assert.equal((unknown.payload as { code: string }).code, "UNKNOWN_API");
  p.s.sendText("{not json");
  assert.equal(((await p.next()).payload as { code: string }).code, "REQUEST_JSON_PARSE");
  p.s.sendJson({ api: "hello" });
  assert.equal(((await p.next()).payload as { code: string }).code, "NO_REQUEST_ID");
  p.s.sendJson({ request_id: "x" });
  assert.equal(((await p.next()).payload as { code: string }).code, "NO_API");
  p.call("join-session", { session_id: randomUUID(), context: null });
  assert.equal(((await p.next()).payload as { code: string }).code, "SESSION_JOIN_FAILED");
  p.call("send-message", { session_id: randomUUID(), message: "AA==" });
  assert.equal(((await p.next()).payload as { code: string }).code, "NOT_SESSION_MEMBER");
  p.call("hello", null);
  assert.equal((await p.next()).type, "greeting", "the connection survives errors");
  p.s.close();
});
