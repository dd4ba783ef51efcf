import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { isSigrunError } from "../core/index.js";
import {
  decodeConfirm,
  decodeError,
  decodeReady,
  decodeReject,
  decodeRequest,
  decodeResponse,
  encodeRequest,
} from "./messages.js";

test("messages: request round-trips; path-like or control-character names are refused", () => {
  const r = {
    reqId: 3,
    kind: "file" as const,
    name: "app.tar.gz",
    size: 10,
    sha256: new Uint8Array(32),
    format: "ssh" as const,
  };
  assert.deepEqual(decodeRequest(encodeRequest(r)), r);
  for (const name of ["../x", "a/b", "a\\b", "", "..", "a\u001b[2Jb"])
    assert.throws(() => decodeRequest(encodeRequest({ ...r, name })), { code: "CHANNEL_ERROR" }, name);
  assert.throws(() => decodeRequest(encodeRequest({ ...r, kind: "bundle" })), { code: "CHANNEL_ERROR" });
});

test("fuzz: every message decoder rejects random bytes, with coded errors only", () => {
  const decoders = [decodeConfirm, decodeReady, decodeRequest, decodeResponse, decodeReject, decodeError];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      for (const d of decoders) {
        let accepted = false;
        try {
          d(bytes);
          accepted = true;
        } catch (err) {
          if (!isSigrunError(err)) throw err;
        }
        assert.ok(!accepted, `${d.name} accepted random bytes ${Buffer.from(bytes).toString("hex")}`);
      }
    }),
    { numRuns: 2000 },
  );
});
