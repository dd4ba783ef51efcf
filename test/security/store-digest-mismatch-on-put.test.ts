import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import { http, listFiles, sha256hex, startTestStore } from "../kit/store.js";

/** A PUT whose body does not hash to the digest in its path is refused and leaves nothing behind. */
it("digest mismatch on PUT", async () => {
  const s = await startTestStore();
  try {
    const body = randomBytes(100_000);
    const other = sha256hex(randomBytes(10));
    const r = await http(
      s.port,
      "PUT",
      `/blobs/sha256:${other}`,
      { "content-length": String(body.byteLength) },
      body,
    );
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(r.body), { error: "DIGEST_MISMATCH" });
    assert.equal((await http(s.port, "GET", `/blobs/sha256:${other}`)).status, 404);
    assert.deepEqual(listFiles(s.root), []);
    assert.deepEqual(s.dir.usage(), { bytes: 0, blobs: 0 });
  } finally {
    await s.cleanup();
  }
});
