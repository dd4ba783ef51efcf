import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { http, sha256hex, startTestStore } from "../kit/store.js";

/**
 * Blobs are write-once: a second PUT of an existing digest — same bytes, other bytes, or a concurrent
 * duplicate — is refused with 409, and the stored bytes and the first uploader's deletion token stay.
 */
it("overwrite attempt of an existing digest", async () => {
  const s = await startTestStore();
  try {
    const body = randomBytes(5000);
    const hex = sha256hex(body);
    const path = `/blobs/sha256:${hex}`;
    const first = await http(s.port, "PUT", path, { "content-length": "5000" }, body);
    assert.equal(first.status, 201);
    const token = JSON.parse(first.body).deleteToken as string;
    const again = await http(s.port, "PUT", path, { "content-length": "5000" }, body);
    assert.equal(again.status, 409);
    const other = randomBytes(5000);
    const evil = await http(s.port, "PUT", path, { "content-length": "5000" }, other);
    assert.equal(evil.status, 409);
    assert.deepEqual(readFileSync(join(s.root, "store", "blobs", hex)), body);
    // Two concurrent uploads of a new digest: exactly one wins.
    const fresh = randomBytes(200_000);
    const p2 = `/blobs/sha256:${sha256hex(fresh)}`;
    const results = await Promise.all(
      [0, 1, 2].map(() => http(s.port, "PUT", p2, { "content-length": String(fresh.byteLength) }, fresh)),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409]);
    const del = await http(s.port, "DELETE", path, { "x-delete-token": token });
    assert.equal(del.status, 204);
  } finally {
    await s.cleanup();
  }
});
