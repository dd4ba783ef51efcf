import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import { http, sha256hex, startTestStore } from "../kit/store.js";

/**
 * DELETE needs the per-upload deletion token from that blob's PUT: none → 401, a wrong one (or another
 * blob's) → 403, and the blob stays; the right one → 204. The bearer token of a private store does not
 * replace it.
 */
it("DELETE without and with the wrong token", async () => {
  const s = await startTestStore();
  try {
    const a = randomBytes(100);
    const b = randomBytes(100);
    const pa = `/blobs/sha256:${sha256hex(a)}`;
    const pb = `/blobs/sha256:${sha256hex(b)}`;
    const ta = JSON.parse((await http(s.port, "PUT", pa, { "content-length": "100" }, a)).body).deleteToken;
    const tb = JSON.parse((await http(s.port, "PUT", pb, { "content-length": "100" }, b)).body).deleteToken;
    assert.equal((await http(s.port, "DELETE", pa)).status, 401);
    assert.equal((await http(s.port, "DELETE", pa, { "x-delete-token": "" })).status, 401);
    assert.equal((await http(s.port, "DELETE", pa, { "x-delete-token": "guess" })).status, 403);
    assert.equal((await http(s.port, "DELETE", pa, { "x-delete-token": tb })).status, 403);
    assert.equal((await http(s.port, "DELETE", pa, { "x-delete-token": `${ta}x` })).status, 403);
    assert.equal((await http(s.port, "GET", pa)).status, 200);
    assert.equal((await http(s.port, "DELETE", pa, { "x-delete-token": ta })).status, 204);
    assert.equal((await http(s.port, "GET", pa)).status, 404);
    assert.equal((await http(s.port, "GET", pb)).status, 200);
  } finally {
    await s.cleanup();
  }
  const priv = await startTestStore({ token: "a-long-bearer-token-1234" });
  try {
    const c = randomBytes(10);
    const pc = `/blobs/sha256:${sha256hex(c)}`;
    assert.equal((await http(priv.port, "PUT", pc, { "content-length": "10" }, c)).status, 401);
    const auth = { authorization: "Bearer a-long-bearer-token-1234" };
    assert.equal((await http(priv.port, "PUT", pc, { ...auth, "content-length": "10" }, c)).status, 201);
    assert.equal((await http(priv.port, "DELETE", pc, auth)).status, 401);
    assert.equal((await http(priv.port, "GET", pc)).status, 401);
  } finally {
    await priv.cleanup();
  }
});
