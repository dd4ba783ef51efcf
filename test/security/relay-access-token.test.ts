import assert from "node:assert/strict";
import { test } from "node:test";
import { startRelay } from "../../src/relay/index.js";
import { connectRelay } from "../../src/signing/relay-client.js";
import { RawRelaySocket } from "../kit/relay.js";

// Attack: use a private relay without (or with a wrong) access token.
test("a private relay refuses clients without the access token", async () => {
  const token = "correct horse battery staple";
  const relay = await startRelay({ listen: "127.0.0.1:0", accessToken: token });
  try {
    await assert.rejects(connectRelay(relay.url, { timeoutMs: 2000 }), { code: "UNAUTHORIZED" });
    await assert.rejects(connectRelay(relay.url, { timeoutMs: 2000, token: "wrong" }), {
      code: "UNAUTHORIZED",
    });
    const ok = await connectRelay(relay.url, { timeoutMs: 2000, token });
    await ok.create();
    await ok.close();
    await assert.rejects(RawRelaySocket.open(relay.rcodesignUrl), /http 401/);
    const rc = await RawRelaySocket.open(`${relay.rcodesignUrl}?token=${encodeURIComponent(token)}`);
    rc.sendJson({ request_id: "1", api: "hello", payload: null });
    assert.equal((await rc.nextJson()).type, "greeting");
    rc.close();
  } finally {
    await relay.close();
  }
});
