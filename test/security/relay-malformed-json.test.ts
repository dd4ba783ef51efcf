import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RunningRelay, startRelay } from "../../src/relay/index.js";
import { openV1, RawRelaySocket } from "../kit/relay.js";

// Attack: malformed JSON, unknown message types, unknown fields, wrong versions, error floods.
let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0", limits: { maxProtocolErrors: 4 } });
});
after(() => relay.close());

test("before hello: anything but a valid hello closes with 1008", async () => {
  for (const text of ["{", "[]", '{"type":"create"}', '{"type":"hello","version":1,"extra":1}']) {
    const s = await RawRelaySocket.open(relay.url);
    s.sendText(text);
    assert.equal((await s.nextJson()).code, "PROTOCOL_ERROR");
    assert.equal(await s.closed(), 1008);
  }
  const v = await RawRelaySocket.open(relay.url);
  v.sendJson({ type: "hello", version: 2 });
  assert.equal((await v.nextJson()).code, "UNSUPPORTED_VERSION");
  assert.equal(await v.closed(), 1008);
});

test("after hello: malformed messages get PROTOCOL_ERROR, and the error budget closes the socket", async () => {
  const s = await openV1(relay.url);
  s.sendText("not json");
  const e = await s.nextJson();
  assert.deepEqual(Object.keys(e).sort(), ["code", "message", "retryable", "type"]);
  assert.equal(e.code, "PROTOCOL_ERROR");
  assert.equal(e.retryable, false);
  s.sendJson({ type: "frobnicate", id: "x" });
  const u = await s.nextJson();
  assert.equal(u.code, "PROTOCOL_ERROR");
  s.sendJson({ type: "join", session: "../../etc/passwd" });
  assert.equal((await s.nextJson()).code, "PROTOCOL_ERROR");
  s.sendJson({ type: "join", session: "AAAAAAAAAAAAAAAAAAAAAA", context: "not base64url!" });
  assert.equal((await s.nextJson()).code, "PROTOCOL_ERROR");
  assert.equal(await s.closed(), 1008);
});

test("rcodesign: malformed requests get reference error codes, including UNKNOWN_API", async () => {
  const s = await RawRelaySocket.open(relay.rcodesignUrl);
  s.sendText("{{{");
  assert.equal(((await s.nextJson()).payload as { code: string }).code, "REQUEST_JSON_PARSE");
  s.sendJson({ request_id: "1", api: "delete-everything", payload: null });
  const u = await s.nextJson();
  assert.equal(u.request_id, "1");
  assert.equal((u.payload as { code: string }).code, "UNKNOWN_API");
  s.sendJson({ request_id: "2", api: "create-session", payload: { session_id: "x y", ttl: 10 } });
  assert.equal(((await s.nextJson()).payload as { code: string }).code, "BAD_PAYLOAD");
  s.close();
});
