import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  canonicalJson,
  fromBase64,
  fromBase64Url,
  fromHex,
  parseDuration,
  parseTime,
  SigrunError,
  toBase64,
  toBase64Url,
  toHex,
} from "./index.js";

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SigrunError) return err.code;
    throw err;
  }
  return "no error";
};

test("hex, base64 and base64url round-trip and reject non-canonical text", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      assert.deepEqual(fromHex(toHex(b)), b);
      assert.deepEqual(fromBase64(toBase64(b)), b);
      assert.deepEqual(fromBase64Url(toBase64Url(b)), b);
    }),
  );
  assert.equal(
    code(() => fromHex("ABCD")),
    "INPUT_INVALID",
  );
  assert.equal(
    code(() => fromBase64("QR==")),
    "INPUT_INVALID",
  );
  assert.equal(
    code(() => fromBase64("QQ")),
    "INPUT_INVALID",
  );
  assert.equal(
    code(() => fromBase64Url("QR")),
    "INPUT_INVALID",
  );
});

test("canonical json sorts keys and refuses floats", () => {
  assert.equal(
    canonicalJson({ b: 1, a: [true, null, "x"], c: { z: 1, y: 2 } }),
    '{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}',
  );
  assert.equal(
    code(() => canonicalJson({ a: 1.5 })),
    "INPUT_INVALID",
  );
});

test("durations and times parse strictly", () => {
  assert.equal(parseDuration("15m"), 900_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(
    code(() => parseDuration("15")),
    "INPUT_INVALID",
  );
  assert.equal(
    code(() => parseDuration("-1h")),
    "INPUT_INVALID",
  );
  assert.equal(parseTime("2026-01-02T03:04:05Z"), Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(parseTime("@1700000000"), 1_700_000_000_000);
  assert.equal(
    code(() => parseTime("yesterday")),
    "INPUT_INVALID",
  );
});

test("parseListenAddress: one grammar for every server", async () => {
  const { parseListenAddress } = await import("./listen.js");
  assert.deepEqual(parseListenAddress("127.0.0.1:8787"), { host: "127.0.0.1", port: 8787 });
  assert.deepEqual(parseListenAddress("[::1]:0"), { host: "::1", port: 0 });
  assert.deepEqual(parseListenAddress(":8443"), { host: "0.0.0.0", port: 8443 });
  assert.deepEqual(parseListenAddress("agent.example:443"), { host: "agent.example", port: 443 });
  for (const bad of [
    "8443",
    "host",
    "host:65536",
    "host:-1",
    "a b:1",
    "[zz]:1",
    "http://x:1",
    "::1:80",
    "h:1x",
  ])
    assert.throws(() => parseListenAddress(bad, "--listen"), { code: "USAGE", message: /--listen/ }, bad);
});
