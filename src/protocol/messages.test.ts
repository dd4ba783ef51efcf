import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  type ClientMessage,
  encodeMessage,
  parseClientMessage,
  parseServerMessage,
  type ServerMessage,
  sanitizeRelayText,
} from "./index.js";

const SESSION = "AbCdEfGhIjKlMnOpQrSt_-";
const TOKEN = "A".repeat(43);

test("client messages round-trip", () => {
  const msgs: ClientMessage[] = [
    { type: "hello", version: 1 },
    { type: "hello", version: 1, token: "t", id: "1" },
    { type: "create" },
    { type: "create", ttl: 60, context: "AQID", id: "x" },
    { type: "join", session: SESSION, context: "" },
    { type: "resume", session: SESSION, role: "b", resumeToken: TOKEN },
    { type: "close", reason: "done" },
  ];
  for (const m of msgs) assert.deepEqual(parseClientMessage(encodeMessage(m)), m);
});

test("server messages round-trip", () => {
  const limits = {
    maxFrameBytes: 65536,
    joinTtlSeconds: 900,
    sessionTtlSeconds: 3600,
    graceSeconds: 30,
    maxBufferedFrames: 256,
    maxBufferedBytes: 1 << 20,
    pingIntervalSeconds: 20,
  };
  const msgs: ServerMessage[] = [
    { type: "welcome", version: 1, limits, motd: null },
    { type: "created", session: SESSION, role: "a", expiresAt: 1, resumeToken: TOKEN, id: "c" },
    { type: "joined", session: SESSION, role: "b", expiresAt: 2, resumeToken: TOKEN, context: null },
    { type: "resumed", session: SESSION, role: "a", expiresAt: 3, peer: "away" },
    { type: "peer_joined", context: "CQ", expiresAt: 4 },
    { type: "peer_left", graceSeconds: 30 },
    { type: "peer_back" },
    { type: "closed", reason: "r", by: "relay" },
    { type: "error", code: "SESSION_FULL", message: "m", retryable: false, id: "j" },
  ];
  for (const m of msgs) assert.deepEqual(parseServerMessage(encodeMessage(m)), m);
});

test("parsers reject unknown types and fields, bad ids, wrong types, oversize text", () => {
  const bad = [
    "",
    "null",
    "[]",
    '{"type":"hello"}',
    '{"type":"hello","version":1.5}',
    '{"type":"hello","version":1,"x":1}',
    '{"type":"create","session":"AAAAAAAAAAAAAAAAAAAAAA"}',
    '{"type":"create","ttl":0}',
    '{"type":"join","session":"short"}',
    `{"type":"join","session":"${SESSION}","context":"a+b/"}`,
    `{"type":"resume","session":"${SESSION}","role":"c","resumeToken":"${TOKEN}"}`,
    `{"type":"close","reason":"${"r".repeat(600)}"}`,
    `{"type":"create","context":"${"A".repeat(20_000)}"}`,
    '{"type":"send"}',
  ];
  for (const text of bad) assert.throws(() => parseClientMessage(text), { code: "PROTOCOL_ERROR" }, text);
  assert.throws(() => parseServerMessage('{"type":"error","code":"x y","message":"m","retryable":false}'), {
    code: "PROTOCOL_ERROR",
  });
  assert.throws(() => parseServerMessage('{"type":"peer_back","extra":true}'), { code: "PROTOCOL_ERROR" });
});

test("property: parseClientMessage rejects random text and random JSON, with PROTOCOL_ERROR only", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      let msg: unknown;
      try {
        msg = parseClientMessage(text);
      } catch (err) {
        assert.equal((err as { code?: string }).code, "PROTOCOL_ERROR");
        return;
      }
      // Random text or JSON never carries a message's required fields in their exact forms: accepting is a bug.
      assert.fail(`random input was accepted: ${text} → ${JSON.stringify(msg)}`);
    }),
    { numRuns: 1000 },
  );
});

test("sanitizeRelayText strips controls, bidi and zero-width characters and caps length", () => {
  assert.equal(sanitizeRelayText("a\u001b[2Jb\u0007c\u202ed\u200be\r\nf"), "a[2Jbcde f");
  assert.equal(sanitizeRelayText("l1\nl2\tx", { allowNewlines: true }), "l1\nl2 x");
  assert.equal(sanitizeRelayText("x".repeat(600)).length, 513);
});
